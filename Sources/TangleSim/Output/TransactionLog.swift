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
/// When some device class has a duty cycle, or gossip nodes churn, a last column `wanted`
/// (after `created`, if any) holds when the device wanted to issue: earlier than the time
/// its parents were chosen when it was asleep then (or its node offline), and equal otherwise (reattachments, the coordinator,
/// adversaries: their issue time). Latencies count from it.
///
/// Rows are formatted into a reusable buffer and written in chunks of about 1 MiB
/// (``BufferedOutput``), so a log of millions of rows costs neither a giant string nor an
/// allocation per row.
public enum TransactionLog {
    /// The columns, in order.
    public static let csvHeader = [
        "id", "issuer", "issuer_id", "issue_time", "visible_time", "parents", "first_approval_time", "confirmation_time", "payload",
        "spends", "rejected",
    ]

    /// Streams the log of `tangle` into `file`, with confirmation times, payloads, the
    /// outputs double-spending payloads spend (`doubleSpends`: payload → output) and rejection
    /// marks when given: the header and the rows of ids `first` on (0: every row; a run that
    /// forgot its settled past wrote the rows before `first` into a ``TransactionLogSpill``,
    /// and then the header is not written again).
    ///
    /// - Throws: ``OutputError`` when the file cannot be written (a full disk).
    public static func write(
        _ tangle: Tangle, confirmedAt: ContiguousArray<Double>? = nil, payloads: ContiguousArray<Int32>? = nil,
        doubleSpends: [Int32: Int32] = [:], rejected: [Bool]? = nil, from first: Int = 0, to file: OutputFile
    ) throws {
        precondition(first >= Int(tangle.firstRetained), "the rows of forgotten transactions were spilled before")
        var output = BufferedOutput(file)
        if first == 0 { appendHeader(of: tangle, into: &output.bytes) }
        for index in first..<tangle.count {
            appendRow(
                Int32(truncatingIfNeeded: index), of: tangle, confirmedAt: confirmedAt, payloads: payloads,
                doubleSpends: doubleSpends, rejected: rejected, into: &output.bytes)
            try output.writeIfFull()
        }
        try output.flush()
    }

    /// Appends the header line: ``csvHeader``, then `created` when the Tangle records work
    /// times and `wanted` when it records wanted times.
    static func appendHeader(of tangle: Tangle, into buffer: inout [UInt8]) {
        let header = csvHeader + (tangle.workTime.isEmpty ? [] : ["created"]) + (tangle.recordsWantedTimes ? ["wanted"] : [])
        buffer.append(contentsOf: (header.joined(separator: ",") + "\n").utf8)
    }

    /// Appends the row of `x` (retained in `tangle`).
    static func appendRow(
        _ x: Int32, of tangle: Tangle, confirmedAt: ContiguousArray<Double>?, payloads: ContiguousArray<Int32>?,
        doubleSpends: [Int32: Int32], rejected: [Bool]?, into buffer: inout [UInt8]
    ) {
        let index = Int(x)
        let issuer = tangle.issuer(of: x)
        buffer.append(contentsOf: String(index).utf8)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: issuer.kind.name.utf8)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: String(issuer.id).utf8)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: tangle.broadcastTime(of: x).description.utf8)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: tangle.visibleTime(of: x).description.utf8)
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
        if !tangle.workTime.isEmpty {
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: tangle.issueTime(of: x).description.utf8)
        }
        if tangle.recordsWantedTimes {
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: tangle.wantedTime(of: x).description.utf8)
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
