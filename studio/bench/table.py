"""The table `main.py bench` prints."""
from __future__ import annotations

from .script import SCRIPT_WORKERS


def format_table(r: dict) -> str:
    m = r["machine"]
    lines = [f"device {m['device']}, {m['cpus']} CPU cores, torch {m['torch']} with "
             f"{m['torch_threads']} intra-op thread(s); load average {m['loadavg_before'][0]:.2f}"
             f" before, {m['loadavg_after'][0]:.2f} after",
             "",
             f"{'row':<36}{'a limit':>10}{'b runner':>10}{'c window':>10}{'d script':>10}"
             f"{'b/a':>7}{'c/a':>7}{'a/d':>7}{'b/d':>7}{'a@' + str(m['cpus']) + 't/a':>9}"
             f"   GUI latency p50/p95/max ms, GUI thread CPU, training thread CPU per step / b's"]
    def num(v, fmt):
        return "-" if v is None else format(v, fmt)

    for row in r["rows"].values():
        other = row["limit_other_threads"]
        line = (f"{row['title']:<36}{row['limit']:>10,.0f}{row['runner']:>10,.0f}"
                f"{num(row['window'], ',.0f'):>10}{row['script']:>10,.0f}{row['b_over_a']:>7.2f}"
                f"{num(row['c_over_a'], '.2f'):>7}{row['a_over_d']:>7.2f}{row['b_over_d']:>7.2f}"
                f"{num(other and other['over_a'], '.2f'):>9}")
        if row["window"] is not None:
            lat = row["gui_latency_ms"]
            line += (f"   {lat['p50']:.1f} / {lat['p95']:.1f} / {lat['max']:.0f}, "
                     f"{row['window_cpu']['gui']:.0%}")
            if "trainer_cpu_over_runner" in row:
                line += f", {row['trainer_cpu_over_runner']:.2f}"
        if row.get("precision", "fp32") != "fp32":
            line += f"   ({row['precision']} mixed precision)"
        lines.append(line)
    lines.append(f"(rates in {', '.join(sorted({row['unit'] for row in r['rows'].values()}))}; "
                 f"medians over {next(iter(r['rows'].values()))['rounds']} interleaved rounds; "
                 f"script loops: DataLoader with {SCRIPT_WORKERS} workers for images, "
                 f"0 for points)")
    em = r["em"]
    lines += ["",
              f"EM, {em['n']:,} 2-D points, K={em['k']} full: ours "
              f"{em['ours_s_per_iter'] * 1e3:.1f} ms/iteration, scikit-learn "
              f"{em['sklearn_s_per_iter'] * 1e3:.1f} ms, {em['speedup']:.1f}x; same result: "
              f"means differ by {em['max_abs_mean_diff']:.1e} after {em['iterations']} iterations",
              ("start-up: not measured (no Qt here)" if r["startup"] is None else
               f"start-up: window shown {r['startup']['window_shown_s']:.2f} s after "
               f"`python main.py`"),
              f"memory: peak {r['memory']['peak_rss_mb']:.0f} MB for a {r['memory']['steps']}-step "
              f"{r['memory']['preset']} run (`import torch` alone: "
              f"{r['memory']['import_torch_rss_mb']:.0f} MB)"]
    if r.get("folder"):
        from .folder import format_folder

        lines.append(format_folder(r["folder"]))
    return "\n".join(lines)


