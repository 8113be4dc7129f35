/// Rebuilds a ``Tangle`` from `transactions.csv` (see ``TransactionLog``), by column name.
public enum TransactionLogReader {
    /// The tangle of the log: issue and visible times, issuers and parents. A log with a
    /// `created` column (devices with work) gives each transaction's creation time as its
    /// issue time and `issue_time − created` as its work time, as the run held them.
    ///
    /// - Throws: ``FigureError`` when a column is missing, a field is not a number, the
    ///   first row is not the genesis, ids are not 0, 1, 2, ... or a parent is not an
    ///   earlier transaction.
    /// - Complexity: O(rows × k).
    public static func tangle(from csv: NamedCSV) throws -> Tangle {
        try csv.require(["id", "issuer", "issuer_id", "issue_time", "visible_time", "parents"])
        var parentLists: [[Int32]] = []
        parentLists.reserveCapacity(csv.rows.count)
        for row in csv.rows.indices {
            let field = csv.text(row, "parents")
            let parents = try field.split(separator: ";").map { text -> Int32 in
                guard let parent = Int32(text), parent >= 0, Int(parent) < row else {
                    throw FigureError("\(csv.file): line \(row + 2), column parents: expected ids of earlier transactions, got \"\(field)\"")
                }
                return parent
            }
            parentLists.append(parents)
        }
        guard !csv.rows.isEmpty, csv.text(0, "id") == "0" else {
            throw FigureError("\(csv.file): expected the genesis (id 0) on the first data line")
        }
        var tangle = Tangle(parents: max(1, parentLists.map(\.count).max() ?? 1), expectedTransactions: csv.rows.count)
        let hasCreated = csv.has("created")
        if hasCreated { tangle.recordWorkTimes() }
        for row in csv.rows.indices.dropFirst() {
            guard csv.text(row, "id") == String(row) else {
                throw FigureError("\(csv.file): line \(row + 2): expected id \(row), got \"\(csv.text(row, "id"))\"")
            }
            let kindName = csv.text(row, "issuer")
            guard let kind = IssuerKind.allCases.first(where: { $0.name == kindName }) else {
                throw FigureError(
                    "\(csv.file): line \(row + 2), column issuer: expected one of \(IssuerKind.allCases.map(\.name).joined(separator: ", ")), got \"\(kindName)\"")
            }
            let id = try csv.number(row, "issuer_id")
            let issued = try csv.number(row, "issue_time")
            let created = hasCreated ? try csv.number(row, "created") : issued
            tangle.append(
                issueTime: created, visibleTime: try csv.number(row, "visible_time"),
                issuer: IssuerIdentity(kind, Int32(exactly: id) ?? 0), parents: parentLists[row])
            if hasCreated { tangle.appendWorkTime(issued - created) }
        }
        return tangle
    }
}
