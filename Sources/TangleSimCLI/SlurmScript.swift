/// The submission script `tanglesim slurm` writes: a job array over the shards of a sweep and
/// a merge job that runs once every shard succeeded.
///
/// `sbatch` reads each job's batch script from standard input (a here-document), so one file
/// holds both jobs. The merge job depends on the array with `--dependency=afterok:ARRAY`;
/// `--kill-on-invalid-dep=yes` cancels it when a shard fails, instead of leaving it pending
/// forever. Every path is absolute and shell-quoted; the shard count is passed explicitly
/// (`SLURM_ARRAY_TASK_COUNT` is not the index range of a sparse array).
struct SlurmScript {
    /// The `tanglesim` executable, absolute.
    var executable: String
    /// The sweep scenario, absolute.
    var scenario: String
    /// The sweep output folder shared by the shards, absolute.
    var output: String
    /// The sweep's name, for job names.
    var name: String
    var runs: Int
    var shards: Int
    /// `--cpus-per-task` of each shard, and its `--jobs`.
    var cpus: Int
    var partition: String?
    var time: String?

    /// The script's text.
    var text: String {
        var options: [String] = []
        if let partition { options.append("--partition=" + Self.quoted(partition)) }
        if let time { options.append("--time=" + Self.quoted(time)) }
        let common = options.map { " " + $0 }.joined()
        let logs = output + "/slurm"
        let tanglesim = Self.quoted(executable)
        return """
            #!/usr/bin/env bash
            # Written by `tanglesim slurm`: runs the sweep "\(name)" (\(runs) runs) on Slurm as a job
            # array of \(shards) shard\(shards == 1 ? "" : "s") with \(cpus) CPU\(cpus == 1 ? "" : "s") each, then merges the results.
            #
            # Submit it from a login node:   bash \(Self.quoted(logs + "/submit.sh"))
            #
            # Each shard records its runs in \(output)/runs/ as they finish; the merge job
            # starts when every shard has succeeded and writes sweep.csv and aggregate.csv
            # there. If a shard fails, the merge job is cancelled: submit this script again, and
            # the runs already recorded are skipped. Shard logs: \(logs)/shard-N.log.
            set -euo pipefail
            mkdir -p \(Self.quoted(logs))

            array_job=$(sbatch --parsable --job-name=\(Self.quoted("tanglesim-" + name)) --array=0-\(shards - 1) \\
                --ntasks=1 --cpus-per-task=\(cpus)\(common) \\
                --output=\(Self.quoted(logs + "/shard-%a.log")) <<'SHARD'
            #!/bin/bash
            exec \(tanglesim) sweep \(Self.quoted(scenario)) --out \(Self.quoted(output)) \\
                --shard "$SLURM_ARRAY_TASK_ID" --of \(shards) --jobs \(cpus)
            SHARD
            )
            array_job=${array_job%%;*}

            merge_job=$(sbatch --parsable --job-name=\(Self.quoted("tanglesim-" + name + "-merge")) \\
                --dependency=afterok:"$array_job" --kill-on-invalid-dep=yes \\
                --ntasks=1 --cpus-per-task=1\(common) \\
                --output=\(Self.quoted(logs + "/merge.log")) <<'MERGE'
            #!/bin/bash
            exec \(tanglesim) merge \(Self.quoted(output))
            MERGE
            )
            merge_job=${merge_job%%;*}

            echo "submitted: shards as job array $array_job, merge as job $merge_job"
            echo "results: \(output)/sweep.csv and aggregate.csv once job $merge_job has finished"

            """
    }

    /// `text` quoted for the shell: bare when it holds only safe characters, otherwise in
    /// single quotes (a single quote inside written as '\'').
    static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "/", ".", "_", "-", "+", ":", "=", ",", "%", "@": true
            default: false
            }
        }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
