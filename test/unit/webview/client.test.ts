/** The webview's protocol client: request ids, the error channel, validation of host messages. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExampleView, PackedReport, Report, RunStatus, WebviewToHost } from '../../../src/core/protocol';
import { packReport, reportMessage } from '../../../src/core/report/packed';
import { ProtocolClient, RequestFailedError } from '../../../webview/protocol/client';
import { parseHostMessage, safeImageUrl } from '../../../webview/protocol/validate';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const view = (id: number): ExampleView => ({ id, source: `x[${id}]`, modelInput: PNG, original: null, width: 28, height: 28 });
const status: RunStatus = { state: 'running', modelName: 'm.onnx', dataName: 'd', done: 3, total: 10, executionProvider: 'cpu', message: null };

function setup() {
  const posted: WebviewToHost[] = [];
  const invalid: string[] = [];
  const statuses: RunStatus[] = [];
  const reports: { report: PackedReport; partial: boolean }[] = [];
  const client = new ProtocolClient((m) => posted.push(m), {
    onStatus: (s) => statuses.push(s),
    onReport: (report, partial) => reports.push({ report, partial }),
    onInvalid: (reason) => invalid.push(reason),
  });
  return { client, posted, invalid, statuses, reports };
}

function minimalReport(): Report {
  return {
    version: 1, tool: { name: 'mistake-lens', version: '0' }, createdAt: '', model: { path: 'm', inputName: 'i', outputName: 'o', outputKind: 'logits', opset: 13 },
    data: { path: 'd', kind: 'idx', preprocess: { layout: 'NCHW', channels: 1, height: 28, width: 28, scale: 'unit' } },
    executionProvider: 'cpu', executionProviderNotes: [], classes: ['a', 'b'], numExamples: 0, numLabelled: 0, accuracy: 0,
    mistakes: [], hardest: [], labelIssueRanking: 'self-confidence', labelIssues: [], estimatedLabelErrors: 0, confusion: [[0, 0], [0, 0]],
    perClass: [], macro: { precision: 0, recall: 0, f1: 0 }, micro: { precision: 0, recall: 0, f1: 0 }, ece: 0, reliability: [], prCurves: [],
    coverage: { points: [], targetAccuracy: 0.95, coverageAtTarget: 0, thresholdAtTarget: null }, histograms: { loss: { edges: [0, 1], counts: [0] }, confidence: { edges: [0, 1], counts: [0] } },
    labelPermutation: { suspected: false, accuracy: 0, accuracyAfter: 0, mapping: [], message: '' }, skipped: [], numSkipped: 0,
    nonFinite: { count: 0, examples: [] }, timing: { seconds: 0, examplesPerSecond: 0 },
  };
}

describe('ProtocolClient requests', () => {
  it('posts requestExamples with fresh ids and resolves each by its own id', async () => {
    const { client, posted } = setup();
    const a = client.requestExamples([1, 2]);
    const b = client.requestExamples([3]);
    assert.equal(posted.length, 2);
    const [pa, pb] = posted as Extract<WebviewToHost, { type: 'requestExamples' }>[];
    assert.equal(pa!.type, 'requestExamples');
    assert.deepEqual(pa!.ids, [1, 2]);
    assert.notEqual(pa!.requestId, pb!.requestId);
    // answers arrive out of order
    client.handle({ type: 'response', requestId: pb!.requestId, body: { kind: 'examples', examples: [view(3)] } });
    client.handle({ type: 'response', requestId: pa!.requestId, body: { kind: 'examples', examples: [view(1), view(2)] } });
    assert.deepEqual((await b).map((v) => v.id), [3]);
    assert.deepEqual((await a).map((v) => v.id), [1, 2]);
    assert.equal(client.pendingCount, 0);
  });

  it('rejects on requestFailed with the host message, other requests unaffected', async () => {
    const { client, posted } = setup();
    const a = client.requestExamples([1]);
    const b = client.requestExamples([2]);
    const idA = (posted[0] as { requestId: number }).requestId;
    const idB = (posted[1] as { requestId: number }).requestId;
    client.handle({ type: 'requestFailed', requestId: idA, message: 'file vanished' });
    await assert.rejects(a, (err: unknown) => err instanceof RequestFailedError && err.message === 'file vanished' && err.requestId === idA);
    assert.equal(client.pendingCount, 1);
    client.handle({ type: 'response', requestId: idB, body: { kind: 'examples', examples: [view(2)] } });
    assert.equal((await b).length, 1);
  });

  it('ignores answers to unknown request ids (and answers twice to the same id)', async () => {
    const { client, posted, invalid } = setup();
    const a = client.requestExamples([1]);
    const id = (posted[0] as { requestId: number }).requestId;
    client.handle({ type: 'response', requestId: id + 100, body: { kind: 'examples', examples: [] } });
    assert.equal(client.pendingCount, 1);
    client.handle({ type: 'response', requestId: id, body: { kind: 'examples', examples: [view(1)] } });
    client.handle({ type: 'requestFailed', requestId: id, message: 'late' });
    assert.equal((await a).length, 1);
    assert.equal(invalid.length, 2);
    assert.match(invalid[0]!, /no pending request/);
  });

  it('rejects what is pending when disposed', async () => {
    const { client } = setup();
    const a = client.requestExamples([1]);
    client.dispose();
    await assert.rejects(a, /disposed/);
    await assert.rejects(client.requestExamples([2]), /disposed/);
  });

  it('rejects when posting throws', async () => {
    const client = new ProtocolClient(() => { throw new Error('webview gone'); }, { onInvalid: () => {} });
    await assert.rejects(client.requestExamples([1]), /webview gone/);
    assert.equal(client.pendingCount, 0);
  });
});

describe('ProtocolClient notifications', () => {
  it('delivers status and report, with the partial flag', () => {
    const { client, statuses, reports } = setup();
    client.handle({ type: 'status', status });
    client.handle(reportMessage(packReport(minimalReport()), true));
    assert.deepEqual(statuses, [status]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.partial, true);
    assert.equal(reports[0]!.report.report.numExamples, 0);
    assert.equal(reports[0]!.report.lists.hardest.count, 0);
  });

  it('ignores and reports unknown or malformed messages without throwing', () => {
    const { client, invalid, statuses, reports } = setup();
    const bad: unknown[] = [
      null, 42, 'ready', [], {}, { type: 'explode' }, { type: 'status' }, { type: 'status', status: { ...status, state: 'sleeping' } },
      { type: 'status', status: { ...status, done: '3' } }, { type: 'report', report: { version: 2 }, partial: false },
      { type: 'report', report: minimalReport() }, { ...reportMessage(packReport(minimalReport()), false), lists: undefined },
      { type: 'response', requestId: 'x', body: { kind: 'examples', examples: [] } },
      { type: 'response', requestId: 1, body: { kind: 'html', html: '<b>' } }, { type: 'requestFailed', requestId: 1 },
    ];
    for (const m of bad) client.handle(m);
    assert.equal(invalid.length, bad.length);
    assert.equal(statuses.length + reports.length, 0);
  });

  it('sends fire-and-forget commands as they are', () => {
    const { client, posted } = setup();
    client.send({ type: 'ready' });
    client.send({ type: 'openExample', id: 7, how: 'reveal' });
    client.send({ type: 'cancelRun' });
    client.send({ type: 'rerun' });
    assert.deepEqual(posted.map((m) => m.type), ['ready', 'openExample', 'cancelRun', 'rerun']);
  });
});

describe('parseHostMessage', () => {
  it('keeps only data:image URLs for images and drops malformed examples', () => {
    const r = parseHostMessage({
      type: 'response', requestId: 1,
      body: { kind: 'examples', examples: [view(1), { ...view(2), modelInput: 'https://evil.example/x.png' }, { id: 'no' }, { ...view(3), original: 'javascript:alert(1)' }] },
    });
    assert.ok(r.ok);
    if (!r.ok || r.message.type !== 'response') return assert.fail('expected a response');
    const ex = r.message.body.examples;
    assert.deepEqual(ex.map((e) => e.id), [1, 2, 3]);
    assert.equal(ex[0]!.modelInput, PNG);
    assert.equal(ex[1]!.modelInput, '');
    assert.equal(ex[2]!.original, null);
  });
  it('safeImageUrl accepts base64 image data URLs only', () => {
    assert.equal(safeImageUrl(PNG), PNG);
    assert.equal(safeImageUrl('data:image/svg+xml;base64,PHN2Zz4='), '');
    assert.equal(safeImageUrl('data:image/png;base64,"><script>'), '');
    assert.equal(safeImageUrl(7), '');
  });
});
