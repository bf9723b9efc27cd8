import BertKit
import Testing

/// The batching strategies: every input once, the promised grouping, and clear errors for bad sizes.
@Suite struct BatchingTests {
    static let lengths = [5, 30, 2, 30, 12, 7, 64, 3, 3, 18, 40, 1]

    static func covered(_ plan: [[Int]]) -> Bool { plan.flatMap { $0 }.sorted() == Array(lengths.indices) }

    @Test func fixedKeepsInputOrder() throws {
        let plan = try Batching.fixed(size: 5).plan(lengths: Self.lengths)
        #expect(plan == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]])
    }

    @Test func sortedGroupsSimilarLengths() throws {
        let plan = try Batching.sorted(size: 4).plan(lengths: Self.lengths)
        #expect(Self.covered(plan))
        #expect(plan.map(\.count) == [4, 4, 4])
        let flat = plan.flatMap { $0 }.map { Self.lengths[$0] }
        #expect(flat == flat.sorted())
        // Equal lengths keep input order (stable), so runs are reproducible.
        #expect(plan[0] == [11, 2, 7, 8])
    }

    @Test(arguments: [1, 16, 64, 100, 1000])
    func tokenBudgetIsRespected(budget: Int) throws {
        let plan = try Batching.tokens(maxTokens: budget, maxSize: 3).plan(lengths: Self.lengths)
        #expect(Self.covered(plan))
        for batch in plan {
            let cost = batch.count * batch.map { Self.lengths[$0] }.max()!
            // Over budget only when one sequence alone exceeds it.
            #expect(cost <= budget || batch.count == 1, "\(batch) costs \(cost)")
            #expect(batch.count <= 3)
        }
    }

    @Test func emptyInputGivesNoBatches() throws {
        #expect(try Batching.sorted(size: 8).plan(lengths: []).isEmpty)
        #expect(try Batching.tokens(maxTokens: 8).plan(lengths: []).isEmpty)
    }

    @Test func nonPositiveSizesAreErrors() {
        #expect(throws: BertKitError.invalidArgument("batch size must be positive, got 0")) {
            try Batching.fixed(size: 0).plan(lengths: [1])
        }
        #expect(throws: BertKitError.invalidArgument("max batch tokens must be positive, got -1")) {
            try Batching.tokens(maxTokens: -1).plan(lengths: [1])
        }
    }
}
