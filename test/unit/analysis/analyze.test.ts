/** analyze() against scikit-learn / numpy / scipy on every synthetic case in the fixture. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisResult } from '../../../src/core/analysis/analyze';
import { close, feed, fixture, type Case } from './cases';

const EPS = 1e-9;
/** AP comes from score histograms (see scoreBins.ts), not exact sorting. */
const AP_TOL = 2e-3;

function run(c: Case, top: number): AnalysisResult {
  return analyze(feed(c), { classes: c.classes, top, targetAccuracy: c.expected.coverage.targetAccuracy, labelIssueRanking: 'self-confidence' });
}

for (const c of fixture.cases) {
  describe(`analyze vs sklearn: ${c.name} (${c.note})`, () => {
    const e = c.expected;
    const r = run(c, fixture.top);

    it('counts examples, labelled rows and non-finite rows', () => {
      assert.equal(r.numExamples, e.numExamples);
      assert.equal(r.numLabelled, e.numLabelled);
      assert.equal(r.nonFinite.count, e.nonFinite.length);
      assert.deepEqual(
        r.nonFinite.examples.map((x) => x.index),
        e.nonFinite,
      );
      for (const x of r.nonFinite.examples) assert.equal(x.source, `x[${x.index}]`);
    });

    it('accuracy, confusion matrix, per-class and averaged P/R/F1', () => {
      close(r.accuracy, e.accuracy, EPS, 'accuracy');
      assert.deepEqual(r.confusion, e.confusion);
      assert.equal(r.perClass.length, c.classes.length);
      r.perClass.forEach((p, k) => {
        const x = e.perClass[k];
        assert.equal(p.class, c.classes[k]);
        assert.equal(p.support, x.support);
        close(p.precision, x.precision, EPS, `precision[${k}]`);
        close(p.recall, x.recall, EPS, `recall[${k}]`);
        close(p.f1, x.f1, EPS, `f1[${k}]`);
      });
      for (const key of ['precision', 'recall', 'f1'] as const) {
        close(r.macro[key], e.macro[key], EPS, `macro ${key}`);
        close(r.micro[key], e.micro[key], EPS, `micro ${key}`);
      }
    });

    it('average precision per class within the histogram tolerance, PR curves well formed', () => {
      r.perClass.forEach((p, k) => close(p.averagePrecision, e.perClass[k].averagePrecision, AP_TOL, `AP[${c.classes[k]}]`));
      r.prCurves.forEach((curve, k) => {
        assert.equal(curve.class, c.classes[k]);
        assert.equal(curve.averagePrecision, r.perClass[k].averagePrecision);
        assert.ok(curve.points.length <= 100);
        if (e.perClass[k].support === 0) {
          assert.equal(curve.averagePrecision, 0);
          assert.equal(curve.points.length, 0);
          return;
        }
        assert.ok(curve.points.length >= 2);
        for (let i = 1; i < curve.points.length; i++) assert.ok(curve.points[i].recall >= curve.points[i - 1].recall, 'recall ascending');
        assert.equal(curve.points[curve.points.length - 1].recall, 1);
      });
    });

    it('ECE and the 15 reliability bins', () => {
      close(r.ece, e.ece, EPS, 'ece');
      assert.equal(r.reliability.length, 15);
      r.reliability.forEach((b, k) => {
        assert.equal(b.count, e.reliability[k].count, `bin ${k} count`);
        close(b.meanConfidence, e.reliability[k].meanConfidence, EPS, `bin ${k} confidence`);
        close(b.accuracy, e.reliability[k].accuracy, EPS, `bin ${k} accuracy`);
        close(b.lower, k / 15, 1e-12, 'lower');
        close(b.upper, (k + 1) / 15, 1e-12, 'upper');
      });
    });

    it(`top-${fixture.top} mistakes with every field`, () => {
      assert.equal(r.mistakes.length, e.mistakes.length);
      r.mistakes.forEach((m, k) => {
        const x = e.mistakes[k];
        assert.equal(m.index, x.index, `mistake ${k}`);
        assert.equal(m.source, `x[${x.index}]`);
        assert.equal(m.label, c.classes[x.label]);
        assert.equal(m.predicted, c.classes[x.predicted]);
        assert.equal(m.confidence, x.confidence);
        assert.equal(m.pLabel, x.pLabel);
        close(m.margin, x.margin, EPS, 'margin');
        close(m.loss, x.loss, EPS, 'loss');
        assert.equal(m.top[0].class, m.predicted);
        assert.equal(m.top[0].p, m.confidence);
        assert.equal(m.top.length, Math.min(5, c.classes.length));
      });
    });

    it(`hardest ${fixture.top}: lowest p(label)`, () => {
      assert.deepEqual(
        r.hardest.map((h) => [h.index, h.pLabel]),
        e.hardest.map((h) => [h.index, h.pLabel]),
      );
    });

    it('full mistake and hardest orders (score ties broken by dataset index)', () => {
      const all = run(c, c.labels.length);
      assert.deepEqual(
        all.mistakes.map((m) => m.index),
        e.mistakeOrder,
      );
      assert.deepEqual(
        all.hardest.map((m) => m.index),
        e.hardestOrder,
      );
    });

    it('coverage at the target accuracy', () => {
      close(r.coverage.coverageAtTarget, e.coverage.coverageAtTarget, EPS, 'coverageAtTarget');
      assert.equal(r.coverage.thresholdAtTarget, e.coverage.thresholdAtTarget);
      assert.equal(r.coverage.targetAccuracy, e.coverage.targetAccuracy);
      const pts = r.coverage.points;
      assert.ok(pts.length >= 2 && pts.length <= 200);
      for (let i = 1; i < pts.length; i++) {
        assert.ok(pts[i].coverage > pts[i - 1].coverage, 'coverage ascending');
        assert.ok(pts[i].threshold < pts[i - 1].threshold, 'threshold descending');
      }
      close(pts[pts.length - 1].coverage, 1, EPS, 'last point covers everything');
      close(pts[pts.length - 1].accuracy, e.accuracy, EPS, 'accuracy at full coverage');
    });

    it('confidence and loss histograms match numpy.histogram', () => {
      assert.deepEqual(r.histograms.confidence.counts, e.histograms.confidence);
      assert.equal(r.histograms.confidence.edges.length, 21);
      assert.deepEqual(r.histograms.loss.counts, e.histograms.loss.counts);
      assert.equal(r.histograms.loss.edges.length, 31);
      close(r.histograms.loss.edges[30], e.histograms.loss.upper, EPS, 'loss upper edge');
    });

    it('label permutation: accuracy after the best re-mapping (scipy linear_sum_assignment)', () => {
      close(r.labelPermutation.accuracy, e.accuracy, EPS, 'accuracy');
      close(r.labelPermutation.accuracyAfter, e.permutation.accuracyAfter, EPS, 'accuracyAfter');
    });
  });
}
