import Foundation

/// Writes `transactions.csv`: one row per transaction, genesis first.
///
/// Columns: `id, device, issue_time, visible_time, parents, first_approval_time`, where
/// `parents` lists the parent ids separated by `;` and `first_approval_time` is the issue time
/// of the first approver (empty when none). The genesis has device -1.
///
/// Rows are formatted into a reusable buffer and written in chunks of about 1 MiB, so a log
/// of millions of rows costs neither a giant string nor an allocation per row.
public enum TransactionLog {
    /// The columns, in order.
    public static let csvHeader = ["id", "device", "issue_time", "visible_time", "parents", "first_approval_time"]

    /// Streams the log of `tangle` into `handle`.
    public static func write(_ tangle: Tangle, to handle: FileHandle) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 256)
        buffer.append(contentsOf: (csvHeader.joined(separator: ",") + "\n").utf8)
        for index in 0..<tangle.count {
            let x = Int32(truncatingIfNeeded: index)
            buffer.append(contentsOf: String(index).utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: String(tangle.device[index]).utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: tangle.issueTime[index].description.utf8)
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
                buffer.append(contentsOf: tangle.issueTime[Int(approver)].description.utf8)
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
    }
}
