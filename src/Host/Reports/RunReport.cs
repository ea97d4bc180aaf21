using System.Globalization;
using System.Net;
using System.Text;
using RepLens.Abstractions.IO;
using RepLens.Host.Run;

namespace RepLens.Host.Reports;

/// <summary>
/// Writes <c>report.html</c> for a run folder: one self-contained file (figures embedded as data URIs,
/// no external reference of any kind) with, per analysis, the question it answers, its figures and
/// tables (sortable), the statistics used and the papers behind them; then the inputs and the
/// manifest (versions, plugin hashes, seed, input hashes, cache, warnings). Built only from files in
/// the run folder, so <c>replens report RUN_DIR</c> can rebuild it at any time.
/// </summary>
internal static class RunReport
{
    public const string FileName = "report.html";

    public static string Write(string runFolder)
    {
        var folder = Path.GetFullPath(runFolder);
        if (!RunOutput.IsRunFolder(folder))
            throw new Cli.UserInputException($"'{folder}' is not a RepLens run folder (it has no manifest.json and config.json); give the output folder of `replens run`.");
        var output = new RunOutput(folder);
        var manifest = RunManifest.Read(output.Manifest);
        var html = Render(output, manifest);
        AtomicFile.WriteAllText(output.Report, html);
        return output.Report;
    }

    private static string Render(RunOutput output, RunManifest m)
    {
        var sb = new StringBuilder();
        var title = $"RepLens run{(m.Name is null ? "" : " “" + m.Name + "”")}";
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(E(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
        sb.Append("<header><h1>").Append(E(title)).Append("</h1><p class=\"meta\">");
        sb.Append(E($"{m.Stimuli?.Count ?? 0} stimuli · {m.Models.Count} model(s) · {m.Targets.Count} target(s) · seed {m.Seed} · " +
                    $"{m.Started}{(m.Seconds is { } s ? $" · {s.ToString("0.0", CultureInfo.InvariantCulture)} s" : "")} · RepLens {m.Version}"));
        sb.Append("</p></header>\n<nav><ul>");
        for (int i = 0; i < m.Analyses.Count; i++)
            sb.Append($"<li><a href=\"#analysis-{i + 1}\">{i + 1}. {E(m.Analyses[i].Kind)}</a></li>");
        sb.Append("<li><a href=\"#inputs\">Inputs</a></li><li><a href=\"#manifest\">Manifest</a></li></ul></nav>\n<main>\n");

        if (m.Warnings.Count > 0)
        {
            sb.Append("<section class=\"warnings\"><h2>Warnings</h2><ul>");
            foreach (var w in m.Warnings) sb.Append("<li>").Append(E(w)).Append("</li>");
            sb.Append("</ul></section>\n");
        }

        for (int i = 0; i < m.Analyses.Count; i++)
        {
            var a = m.Analyses[i];
            sb.Append($"<section id=\"analysis-{i + 1}\" class=\"analysis\"><h2>{i + 1}. {E(a.Kind)}</h2>\n");
            sb.Append("<p class=\"question\">").Append(E(a.Question)).Append("</p>\n");
            foreach (var png in (a.Outputs ?? Array.Empty<string>()).Where(o => o.EndsWith(".png", StringComparison.OrdinalIgnoreCase)))
                AppendFigure(sb, output, png);
            foreach (var csv in (a.Outputs ?? Array.Empty<string>()).Where(o => o.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)))
                AppendTable(sb, output, csv);
            sb.Append("<h3>Statistics</h3><dl class=\"stats\">");
            foreach (var (k, v) in a.Statistics) sb.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>");
            sb.Append("</dl>\n");
            if (a.References is { Count: > 0 } refs)
            {
                sb.Append("<h3>References</h3><ol class=\"refs\">");
                foreach (var r in refs) sb.Append("<li>").Append(E(r)).Append("</li>");
                sb.Append("</ol>\n");
            }
            sb.Append("</section>\n");
        }

        sb.Append("<section id=\"inputs\"><h2>Inputs</h2>\n");
        if (m.Stimuli is { } st)
            sb.Append("<p>").Append(E($"Stimuli: {st.Count} from {st.Path} (set hash {st.SetKey[..12]}…){(st.Skipped > 0 ? $"; {st.Skipped} skipped: {string.Join(", ", st.SkippedIds)}" : "")}.")).Append("</p>\n");
        sb.Append("<h3>Models</h3><table><thead><tr><th>name</th><th>family</th><th>source</th><th>SHA-256</th><th>preprocessing</th><th>layers</th></tr></thead><tbody>");
        foreach (var mo in m.Models)
            sb.Append("<tr><td>").Append(E(mo.Name)).Append("</td><td>").Append(E(mo.Family)).Append("</td><td>").Append(E(mo.BuiltIn ?? mo.File ?? ""))
              .Append("</td><td class=\"hash\">").Append(E(mo.FileSha256 ?? mo.Fingerprint)).Append("</td><td>").Append(E(mo.Preprocessing))
              .Append("</td><td>").Append(E($"{mo.Layers.Count}: {string.Join(", ", mo.Layers.Take(40))}{(mo.Layers.Count > 40 ? ", …" : "")}")).Append("</td></tr>");
        sb.Append("</tbody></table>\n<h3>Targets</h3><table><thead><tr><th>name</th><th>kind</th><th>metric</th><th>description</th><th>fingerprint</th></tr></thead><tbody>");
        foreach (var t in m.Targets)
            sb.Append("<tr><td>").Append(E(t.Name)).Append("</td><td>").Append(E(t.Kind)).Append("</td><td>").Append(E(t.Metric))
              .Append("</td><td>").Append(E(t.Description ?? "")).Append("</td><td class=\"hash\">").Append(E(t.Fingerprint)).Append("</td></tr>");
        sb.Append("</tbody></table>\n</section>\n");

        sb.Append("<section id=\"manifest\"><h2>Manifest</h2><dl class=\"stats\">");
        void Row(string k, string? v) { if (v is not null) sb.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>"); }
        Row("RepLens", $"{m.Version} (contracts {m.ContractVersion})");
        Row("runtime", $"{m.Runtime} on {m.Os}, {m.ProcessorCount} cores");
        foreach (var (k, v) in m.Libraries) Row(k, v);
        Row("seed", m.Seed.ToString(CultureInfo.InvariantCulture));
        Row("device / precision", $"{m.Device} / {m.Precision}");
        Row("config SHA-256", m.ConfigSha256);
        Row("cache", $"{m.Cache.Folder}: activations {m.Cache.ActivationHits} reused, {m.Cache.ActivationMisses} computed; RDMs {m.Cache.RdmHits} reused, {m.Cache.RdmMisses} computed");
        if (m.Sharding is { } sh)
            Row("sharding", $"merged from {sh.Shards} shards ({sh.Units} work units, plan {sh.PlanHash[..Math.Min(12, sh.PlanHash.Length)]}" +
                (sh.AssembledActivations > 0 ? $", {sh.AssembledActivations} layers assembled from stimulus blocks" : "") +
                $") on {string.Join(", ", sh.Runs.Select(r => r.Host).Distinct())}");
        sb.Append("</dl>\n<h3>Plugins</h3><table><thead><tr><th>plugin</th><th>version</th><th>contracts</th><th>SHA-256</th></tr></thead><tbody>");
        foreach (var p in m.Plugins)
            sb.Append("<tr><td>").Append(E(p.Name)).Append("</td><td>").Append(E(p.Version)).Append("</td><td>").Append(E(p.ContractVersion)).Append("</td><td class=\"hash\">").Append(E(p.Sha256)).Append("</td></tr>");
        sb.Append("</tbody></table>\n<h3>Files</h3><ul class=\"files\">");
        foreach (var o in m.Outputs) sb.Append("<li>").Append(E(o)).Append("</li>");
        sb.Append("</ul></section>\n</main>\n<footer>Written by RepLens from the files of this run folder; rebuild with <code>replens report ")
          .Append(E(output.Root)).Append("</code>.</footer>\n<script>").Append(SortScript).Append("</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendFigure(StringBuilder sb, RunOutput output, string relative)
    {
        var path = Path.Combine(output.Root, relative);
        if (!File.Exists(path)) return;
        sb.Append("<figure><img alt=\"").Append(E(relative)).Append("\" src=\"data:image/png;base64,")
          .Append(Convert.ToBase64String(File.ReadAllBytes(path))).Append("\"><figcaption>").Append(E(relative)).Append("</figcaption></figure>\n");
    }

    private static void AppendTable(StringBuilder sb, RunOutput output, string relative)
    {
        var path = Path.Combine(output.Root, relative);
        if (!File.Exists(path)) return;
        var table = CsvTable.Read(path);
        sb.Append("<h3>Table <code>").Append(E(relative)).Append($"</code> ({table.Rows.Count} rows; click a header to sort)</h3>\n");
        sb.Append("<div class=\"scroll\"><table class=\"sortable\" data-source=\"").Append(E(relative)).Append("\"><thead><tr>");
        foreach (var h in table.Header) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var row in table.Rows)
        {
            sb.Append("<tr>");
            foreach (var cell in row)
            {
                if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !IsInteger(cell))
                    sb.Append("<td class=\"num\" data-value=\"").Append(E(cell)).Append("\" title=\"").Append(E(cell)).Append("\">")
                      .Append(E(v.ToString("G4", CultureInfo.InvariantCulture))).Append("</td>");
                else
                    sb.Append("<td data-value=\"").Append(E(cell)).Append("\">").Append(E(cell)).Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></div>\n");
    }

    private static bool IsInteger(string s) => s.Length > 0 && s.All(c => char.IsAsciiDigit(c) || c == '-');

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
        header{background:#0b3c5d;color:#fff;padding:1.2em 2em}header h1{margin:0 0 .3em 0;font-size:1.6em}
        .meta{margin:0;opacity:.85;font-size:.9em}
        nav{background:#e8eef3;padding:.4em 2em}nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1.2em}
        nav a{color:#0b3c5d;text-decoration:none;font-weight:600}
        main{padding:1em 2em;max-width:1200px}section{margin-bottom:2.5em}
        .question{font-size:1.1em;font-style:italic;color:#333}
        figure{margin:1em 0;background:#fff;padding:.5em;border:1px solid #ddd;display:inline-block}
        figure img{max-width:100%;height:auto}figcaption{font-size:.8em;color:#666}
        table{border-collapse:collapse;font-size:.85em;background:#fff;margin:.5em 0}
        th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
        th{background:#eef2f5;cursor:pointer;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .scroll{max-height:30em;overflow:auto;border:1px solid #ddd;display:inline-block;max-width:100%}
        .hash{font-family:"DejaVu Sans Mono",monospace;font-size:.8em;word-break:break-all}
        dl.stats{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:600}dd{margin:0}
        .warnings{background:#fff4e5;border-left:4px solid #e69f00;padding:.5em 1em}
        footer{padding:1em 2em;color:#666;font-size:.8em}
        """;

    private const string SortScript = """
        document.querySelectorAll('table.sortable').forEach(function(t){
          t.querySelectorAll('th').forEach(function(th,i){
            th.addEventListener('click',function(){
              var body=t.tBodies[0],rows=Array.from(body.rows),asc=th.dataset.dir!=='asc';
              rows.sort(function(a,b){
                var x=a.cells[i].dataset.value,y=b.cells[i].dataset.value,nx=parseFloat(x),ny=parseFloat(y);
                var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
              rows.forEach(function(r){body.appendChild(r);});th.dataset.dir=asc?'asc':'desc';});});});
        """;
}
