import BertBench
import Testing

/// Summary statistics against values computed with NumPy (`np.percentile`, linear; `np.std(ddof=1)`).
@Suite struct SummaryTests {
    @Test func oddSampleMatchesNumPy() {
        let s = Summary([12.0, 10.5, 11.0, 30.0, 10.0])
        #expect(s.count == 5)
        #expect(abs(s.mean - 14.7) < 1e-12)
        #expect(s.median == 11.0)
        #expect(abs(s.p95 - 26.4) < 1e-12)
        #expect(s.min == 10.0 && s.max == 30.0)
        #expect(abs(s.stddev - 8.5848704125339) < 1e-12)
        #expect(abs(s.spread - 20.0 / 11.0) < 1e-12)
    }

    @Test func evenSampleInterpolates() {
        let s = Summary([3.0, 1.0, 2.0, 4.0])
        #expect(s.median == 2.5)
        #expect(abs(s.p95 - 3.85) < 1e-12)
        #expect(abs(s.stddev - 1.2909944487358056) < 1e-12)
    }

    @Test func degenerateSamples() {
        let one = Summary([7.5])
        #expect(one.median == 7.5 && one.p95 == 7.5 && one.stddev == 0 && one.spread == 0)
        let none = Summary([])
        #expect(none.count == 0 && none.mean == 0 && none.spread == 0)
        #expect(Summary.percentile([1, 2, 3], 0) == 1 && Summary.percentile([1, 2, 3], 100) == 3)
    }
}
