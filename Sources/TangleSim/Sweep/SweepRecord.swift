/// The durable record of one finished run: the sweep's fingerprint, the run number and the
/// run's row of `sweep.csv`.
///
/// On disk it is a two-line CSV file, `sweep,run,` followed by `sweep.csv`'s header, then
/// the fingerprint, the run number and the row. `sweep.csv` is the records' rows in run
/// order, so it is byte-identical however the runs were split and ordered.
public struct SweepRecord: Sendable, Equatable {
    /// The fingerprint of the sweep the run belongs to (``Sweep/fingerprint``).
    public var fingerprint: String
    /// The run number: point × replications + replication.
    public var run: Int
    /// The header of `sweep.csv`.
    public var header: [String]
    /// The run's fields, as wide as `header`, as text before CSV quoting (an empty field is
    /// an undefined value).
    public var fields: [String]

    public init(fingerprint: String, run: Int, header: [String], fields: [String]) {
        self.fingerprint = fingerprint
        self.run = run
        self.header = header
        self.fields = fields
    }

    /// The record of run `run` of `sweep`, which ended with `summary`.
    public init(sweep: Sweep, run: Int, summary: RunSummary) {
        let point = sweep.points[sweep.location(ofRun: run).point]
        self.init(
            fingerprint: sweep.fingerprint, run: run,
            header: SweepTable.header(parameters: sweep.plan.parameters.map(\.path.description)),
            fields: SweepTable.row(point: point, summary: summary).map { value in
                if case .text(let text) = value { return text }
                return value.csvText
            })
    }

    /// The file's text.
    public var csvText: String {
        let line = { (fields: [String]) in fields.map { CSVValue.text($0).csvText }.joined(separator: ",") + "\n" }
        return line(["sweep", "run"] + header) + line([fingerprint, String(run)] + fields)
    }

    /// Reads a record file's text.
    ///
    /// - Returns: `nil` when the text is not a record (not two rows of equal width starting
    ///   with `sweep,run`, or a run number that is not a number).
    public init?(csvText: String) {
        guard let rows = CSVTable.parseFields(csvText), rows.count == 2, rows[0].count == rows[1].count,
            rows[0].count >= 3, rows[0][0] == "sweep", rows[0][1] == "run", let run = Int(rows[1][1]), run >= 0
        else { return nil }
        self.init(fingerprint: rows[1][0], run: run, header: Array(rows[0].dropFirst(2)), fields: Array(rows[1].dropFirst(2)))
    }
}
