/** The standalone HTML report: data and bundle are inlined so that nothing in them becomes markup. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import type { Report, ReportSummary } from '../../../src/core/protocol';
import { escapeHtml, jsonForScript, renderReportHtml, scriptForInline } from '../../../src/core/report/html';
import { checkPackedLists, unpackReport } from '../../../src/core/report/packed';
import { decodeBase64, fromTypedJson } from '../../../src/core/report/typedJson';

const EVIL = '<img src=x onerror=alert(1)>';

function report(): Report {
  return {
    version: 1, tool: { name: 'mistake-lens', version: '0.1.0' }, createdAt: '2026-01-01T00:00:00Z',
    model: { path: `/models/</title><b>"x"&'y'.onnx`, inputName: 'i', outputName: 'o', outputKind: 'logits', opset: 13 },
    data: { path: '/d', kind: 'image-folder', preprocess: { layout: 'NCHW', channels: 3, height: 32, width: 32, scale: 'unit' } },
    executionProvider: 'cpu', executionProviderNotes: [], classes: ['cat', EVIL], numExamples: 2, numLabelled: 2, accuracy: 0.5,
    mistakes: [{ index: 0, source: '</script><script>alert(2)</script>.png', label: 'cat', predicted: EVIL, confidence: 0.9, pLabel: 0.1, loss: 2.3, margin: -0.8, top: [{ class: EVIL, p: 0.9 }] }],
    hardest: [], labelIssueRanking: 'self-confidence', labelIssues: [], estimatedLabelErrors: 0, confusion: [[0, 1], [0, 1]],
    perClass: [], macro: { precision: 0, recall: 0, f1: 0 }, micro: { precision: 0, recall: 0, f1: 0 }, ece: 0, reliability: [], prCurves: [],
    coverage: { points: [], targetAccuracy: 0.95, coverageAtTarget: 0, thresholdAtTarget: null },
    histograms: { loss: { edges: [0, 1], counts: [1] }, confidence: { edges: [0, 1], counts: [1] } },
    labelPermutation: { suspected: false, accuracy: 0.5, accuracyAfter: 0.5, mapping: [], message: 'ok <!-- -->' }, skipped: [], numSkipped: 0,
    nonFinite: { count: 0, examples: [] }, timing: { seconds: 1, examplesPerSecond: 2 },
  };
}

/** The text between `<script…>` and the first `</script` after it: what the HTML parser would see. */
function scripts(html: string): { attrs: string; body: string }[] {
  const out: { attrs: string; body: string }[] = [];
  const re = /<script([^>]*)>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const start = m.index + m[0].length;
    const end = html.toLowerCase().indexOf('</script', start);
    out.push({ attrs: m[1]!, body: html.slice(start, end) });
    re.lastIndex = end;
  }
  return out;
}

describe('renderReportHtml', () => {
  const bundle = 'globalThis.out = ["</script><script>alert(9)</script>", "<!-- <script>", "</SCRIPT >", /<\\/script>/.source];';
  const html = renderReportHtml(report(), bundle);

  it('has exactly the two scripts it means to, whatever the data and the bundle hold', () => {
    const s = scripts(html);
    assert.equal(s.length, 2);
    assert.match(s[0]!.attrs, /type="application\/json" id="report-data"/);
    assert.equal(s[1]!.attrs, '');
    assert.equal((html.match(/<\/script/gi) ?? []).length, 2);
    assert.ok(html.trimEnd().endsWith('</script>\n</body>\n</html>'));
  });

  it('keeps the report intact: every < is \\u003c, decoding gives the same report', () => {
    const data = scripts(html)[0]!.body;
    assert.ok(!data.includes('<'));
    assert.ok(data.includes('\\u003cimg src=x onerror=alert(1)>'));
    const parsed = JSON.parse(data) as { report: ReportSummary; lists: unknown };
    // the lists' typed arrays travel as base64 (no markup can hide in it), the rest as JSON
    assert.match(JSON.stringify(parsed.lists), /"\$typed":"Float64Array","base64":"[A-Za-z0-9+/=]+"/);
    const lists = checkPackedLists(fromTypedJson(parsed.lists, { fromBase64: decodeBase64 }));
    assert.deepEqual(unpackReport({ report: parsed.report, lists }), report());
  });

  it('keeps the bundle working: the escaped script computes the same values', () => {
    const inline = scripts(html)[1]!.body;
    assert.ok(!/<\/script|<!--|<script/i.test(inline));
    const a: { out?: unknown } = {};
    const b: { out?: unknown } = {};
    runInNewContext(bundle, { globalThis: a });
    runInNewContext(inline, { globalThis: b });
    // (arrays from two vm contexts: compare their JSON)
    assert.equal(JSON.stringify(b.out), JSON.stringify(a.out));
    assert.equal((a.out as string[])[0], '</script><script>alert(9)</script>');
  });

  it('allows only that inline script, by hash', () => {
    const inline = scripts(html)[1]!.body;
    const hash = createHash('sha256').update(inline, 'utf8').digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.ok(csp);
    assert.match(csp!, /default-src 'none'/);
    assert.ok(csp!.includes(`script-src 'sha256-${hash}'`));
    assert.ok(!csp!.includes('unsafe-eval'));
    assert.ok(!/script-src[^;]*unsafe-inline/.test(csp!));
  });

  it('escapes the model name in the title', () => {
    // the base name is what follows the last separator: `</title>` holds one, so it is `title><b>"x"&'y'.onnx`
    assert.ok(html.includes('<title>Mistake Lens — title&gt;&lt;b&gt;&quot;x&quot;&amp;&#39;y&#39;.onnx</title>'));
    assert.equal((html.match(/<title>/g) ?? []).length, 1);
  });
});

describe('escaping helpers', () => {
  it('escapeHtml', () => {
    assert.equal(escapeHtml(EVIL), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(escapeHtml(`"'&`), '&quot;&#39;&amp;');
  });
  it('jsonForScript round-trips line separators too', () => {
    const v = { s: 'a\u2028b\u2029c</script>' };
    const j = jsonForScript(v);
    assert.ok(!/[<\u2028\u2029]/.test(j));
    assert.deepEqual(JSON.parse(j), v);
  });
  it('scriptForInline leaves scripts without those sequences unchanged', () => {
    const js = 'var a = 1 < 2 && "x" > "y";';
    assert.equal(scriptForInline(js), js);
  });
});
