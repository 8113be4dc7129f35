import Foundation

/// How estimates write numbers in reports and refusals.
enum _EstimateText {
    /// A count: exact below 10^12 (`30016`), otherwise two significant digits (`1.8e+19`);
    /// `more than 1e+308` when infinite.
    static func count(_ value: Double) -> String {
        guard value.isFinite else { return "more than 1e+308" }
        let rounded = value.rounded()
        if rounded < 1e12 { return String(Int(rounded)) }
        return String(format: "%.2g", value)
    }

    /// A number as `%g` writes it: `600`, `0.5`, `1e+300`, `1e-06`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "more than 1e+308" }
        return String(format: "%g", value)
    }

    /// A measured-looking quantity to three significant digits: `28.6`, `0.00123`.
    static func approximate(_ value: Double) -> String {
        guard value.isFinite else { return "more than 1e+308" }
        return String(format: "%.3g", value)
    }

    /// Bytes in binary units with one decimal (`23.4 GiB`, `512.0 KiB`, `100 bytes`);
    /// beyond 10,000 GiB in GiB with two significant digits (`5.2e+05 GiB`).
    static func bytes(_ value: Double) -> String {
        guard value.isFinite else { return "more than 1e+308 bytes" }
        let units = ["KiB", "MiB", "GiB"]
        if value < 1024 { return "\(Int(value.rounded())) bytes" }
        var scaled = value / 1024
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        if scaled >= 10_000 { return String(format: "%.2g", scaled) + " " + units[unit] }
        return String(format: "%.1f", scaled) + " " + units[unit]
    }
}
