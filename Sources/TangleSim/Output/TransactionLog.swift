import Foundation

/// Writes `transactions.csv`: one row per transaction, genesis first.
///
/// Columns: `id, issuer, issuer_id, issue_time, visible_time, parents, first_approval_time,
/// confirmation_time, payload, spends, rejected`, where `issuer` is the kind of actor that issued the
/// transaction (`genesis`, `device`, `coordinator`: a milestone) and `issuer_id` its id among
/// actors of that kind (the device id; 0 for the coordinator and the genesis), `parents` lists the parent ids separated by `;`,
/// `first_approval_time` is the issue time of the first approver (empty when none),
/// `confirmation_time` when the transaction was confirmed (empty when it was not, or without
/// a confirmation rule) and `payload` the id of the transaction that first carried its
/// payload (its own id unless it is a reattachment), `spends` the output the payload spends
/// (the payload's own id for a fresh spend; the output it spends again for a double spend:
/// all payloads with one `spends` form a conflict set) and `rejected` whether the transaction
/// is in a losing member's future cone at the end of the run (`true`/`false`).
///
/// When some device class does work (the Tangle records work times), `issue_time` is the
/// broadcast time (the model's `issued`: parents chosen, then the work done), so is
/// `first_approval_time` (the first approver's), and a last column `created` holds when the
/// parents were chosen (equal to `issue_time` for a transaction without work). Without work
/// the columns are exactly those above.
///
/// Rows are formatted into a reusable buffer and written in chunks of about 1 MiB, so a log
/// of millions of rows costs neither a giant string nor an allocation per row.
public enum TransactionLog {
    /// The columns, in order.
    public static let csvHeader = [
        "id", "issuer", "issuer_id", "issue_time", "visible_time", "parents", "first_approval_time", "confirmation_time", "payload",
        "spends", "rejected",
    ]

    /// Streams the log of `tangle` into `file`, with confirmation times, payloads, the
    /// outputs double-spending payloads spend (`doubleSpends`: payload → output) and rejection
    /// marks when given.
    ///
    /// - Throws: ``OutputError`` when the file cannot be written (a full disk).
    public static func write(
        _ tangle: Tangle, confirmedAt: ContiguousArray<Double>? = nil, payloads: ContiguousArray<Int32>? = nil,
        doubleSpends: [Int32: Int32] = [:], rejected: [Bool]? = nil, to file: OutputFile
    ) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 256)
        let hasWork = !tangle.workTime.isEmpty
        buffer.append(contentsOf: ((csvHeader + (hasWork ? ["created"] : [])).joined(separator: ",") + "\n").utf8)
        for index in 0..<tangle.count {
            let x = Int32(truncatingIfNeeded: index)
            buffer.append(contentsOf: String(index).utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: tangle.issuerKind[index].name.utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: String(tangle.issuerID[index]).utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: tangle.broadcastTime(of: x).description.utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: tangle.visibleTime[index].description.utf8)
            buffer.append(UInt8(ascii: ","))
            var first = true
            tangle.forEachParent(of: x) { parent in
                if !first { buffer.append(UInt8(ascii: ";")) }
                first = false
                buffer.append(contentsOf: String(parent).utf8)
            }
            buffer.append(UInt8(ascii: ","))
            if let approver = tangle.firstApprover(of: x) {
                buffer.append(contentsOf: tangle.broadcastTime(of: approver).description.utf8)
            }
            buffer.append(UInt8(ascii: ","))
            if let confirmedAt, !confirmedAt[index].isNaN {
                buffer.append(contentsOf: confirmedAt[index].description.utf8)
            }
            buffer.append(UInt8(ascii: ","))
            let payload = payloads?[index] ?? x
            buffer.append(contentsOf: String(payload).utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: String(doubleSpends[payload] ?? payload).utf8)
            buffer.append(contentsOf: (rejected?[index] ?? false) ? ",true".utf8 : ",false".utf8)
            if hasWork {
                buffer.append(UInt8(ascii: ","))
                buffer.append(contentsOf: tangle.issueTime[index].description.utf8)
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 {
                try file.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try file.write(buffer)
    }
}
