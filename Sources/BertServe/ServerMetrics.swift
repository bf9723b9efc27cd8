import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus metrics, named as Text Embeddings Inference names them (`te_*`), so its dashboards
/// work unchanged. Each server has its own registry (no process-wide bootstrap), made through swift-metrics'
/// API with swift-prometheus' factory.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` prints.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    private let requestCount: [String: CoreMetrics.Counter]
    private let requestSuccess: [String: CoreMetrics.Counter]
    private let queueSize: CoreMetrics.Gauge
    private let batchSize: Recorder
    private let batchTokens: Recorder
    private let inputLength: Recorder
    private let requestDuration: CoreMetrics.Timer
    private let tokenizationDuration: CoreMetrics.Timer
    private let queueDuration: CoreMetrics.Timer
    private let inferenceDuration: CoreMetrics.Timer
    private let batchInferenceDuration: CoreMetrics.Timer
    private let droppedSequences: CoreMetrics.Counter

    private let acceptedCount = Atomic<Int>(0)
    private let answeredCount = Atomic<Int>(0)

    /// Requests a route handler has taken in, and those it has answered (any status): equal once the server has
    /// drained, which is what "no accepted request lost" means at shutdown.
    public var accepted: Int { acceptedCount.load(ordering: .relaxed) }
    /// See `accepted`.
    public var answered: Int { answeredCount.load(ordering: .relaxed) }

    func accept() { acceptedCount.add(1, ordering: .relaxed) }
    func answer() { answeredCount.add(1, ordering: .relaxed) }

    /// Metrics in a new registry.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Latency buckets from 50 µs to 10 s; batch sizes and tokens in powers of two.
        let latency: [Duration] =
            [50, 100, 250, 500].map { .microseconds($0) } + [1, 2.5, 5, 10, 25, 50, 100, 250, 500].map { .milliseconds($0) }
            + [1, 2.5, 5, 10].map { .seconds($0) }
        factory.defaultDurationHistogramBuckets = latency
        factory.defaultValueHistogramBuckets = (0...15).map { Double(1 << $0) }
        self.factory = factory
        let methods = ["single", "batch"]
        requestCount = Dictionary(
            uniqueKeysWithValues: methods.map { ($0, Counter(label: "te_request_count", dimensions: [("method", $0)], factory: factory)) })
        requestSuccess = Dictionary(
            uniqueKeysWithValues: methods.map { ($0, Counter(label: "te_request_success", dimensions: [("method", $0)], factory: factory)) }
        )
        queueSize = CoreMetrics.Gauge(label: "te_queue_size", factory: factory)
        batchSize = Recorder(label: "te_batch_next_size", factory: factory)
        batchTokens = Recorder(label: "te_batch_next_tokens", factory: factory)
        inputLength = Recorder(label: "te_request_input_length", factory: factory)
        requestDuration = Timer(label: "te_request_duration", factory: factory)
        tokenizationDuration = Timer(label: "te_request_tokenization_duration", factory: factory)
        queueDuration = Timer(label: "te_request_queue_duration", factory: factory)
        inferenceDuration = Timer(label: "te_request_inference_duration", factory: factory)
        batchInferenceDuration = Timer(label: "te_batch_inference_duration", factory: factory)
        droppedSequences = Counter(label: "bertkit_dropped_sequences", factory: factory)
    }

    /// A request arrived with `count` inputs.
    func request(count: Int) {
        requestCount[count > 1 ? "batch" : "single"]?.increment()
    }

    /// A request succeeded, with where its time went.
    func success(count: Int, total: Duration, tokenization: Duration, queue: Duration, inference: Duration) {
        requestSuccess[count > 1 ? "batch" : "single"]?.increment()
        requestDuration.record(total)
        tokenizationDuration.record(tokenization)
        queueDuration.record(queue)
        inferenceDuration.record(inference)
    }

    /// A request failed with `error`.
    func failure(_ error: ServeError) {
        Counter(label: "te_request_failure", dimensions: [("err", error.type.lowercased())], factory: factory).increment()
    }

    /// The length in tokens of each input of a request.
    func inputs(lengths: [Int]) {
        for length in lengths { inputLength.record(length) }
    }

    /// The queue's depth after a batch was taken.
    func queueDepth(_ depth: (sequences: Int, tokens: Int)) {
        queueSize.record(depth.sequences)
    }

    /// A batch was formed.
    func batch(size: Int, tokens: Int) {
        batchSize.record(size)
        batchTokens.record(tokens)
    }

    /// A batch ran for `duration`.
    func batchInference(_ duration: Duration) {
        batchInferenceDuration.record(duration)
    }

    /// Sequences whose clients left before their outputs were delivered.
    func dropped(_ count: Int) {
        if count > 0 { droppedSequences.increment(by: count) }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}

extension CoreMetrics.Timer {
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
