import BertKit
import BertTokenizers
import Foundation

/// What a reduced precision costs in accuracy, against fp32 on the same inputs: for embeddings the cosine
/// similarity of each sentence's two vectors and whether each sentence's nearest neighbour among the data's own
/// sentences stays the same; for classifiers whether the winning label stays the same and how far the logits move.
public struct PrecisionAccuracy: Codable, Sendable, Equatable {
    /// `bf16`, `fp16` or `int8`.
    public var precision: String
    /// The backend variant whose own file computes in `precision` (an int8 ONNX export on `onnxruntime`); nil for
    /// the native engine, which takes the precision as an option.
    public var backend: String?
    /// `embed` or `classify`.
    public var task: String
    /// Inputs compared.
    public var sequences: Int
    /// Cosine similarity to the fp32 embedding: the lowest, the 1st percentile and the mean (embeddings).
    public var cosineMin: Double?
    public var cosineP1: Double?
    public var cosineMean: Double?
    /// Share of sentences whose most similar other sentence is the same as with fp32 (embeddings).
    public var retrievalAgreement: Double?
    /// Share of inputs whose arg-max label is the same as with fp32 (classifiers).
    public var argmaxAgreement: Double?
    /// Largest and mean absolute logit difference to fp32 (classifiers).
    public var logitMaxDrift: Double?
    public var logitMeanDrift: Double?
    /// Bytes of packed weight matrices the engine holds at this precision, and at fp32.
    public var weightBytes: Int
    public var fp32WeightBytes: Int

    /// Compares `candidate` outputs with the fp32 `reference`, row by row.
    public init(
        precision: String, task: String, reference: [[Float]], candidate: [[Float]], weightBytes: Int,
        fp32WeightBytes: Int
    ) {
        self.precision = precision
        self.task = task
        sequences = reference.count
        self.weightBytes = weightBytes
        self.fp32WeightBytes = fp32WeightBytes
        if task == "classify" {
            var agree = 0, worst = 0.0, total = 0.0, count = 0
            for (r, c) in zip(reference, candidate) {
                if VectorMath.argmax(r) == VectorMath.argmax(c) { agree += 1 }
                for (x, y) in zip(r, c) {
                    let d = Double(abs(x - y))
                    worst = max(worst, d)
                    total += d
                    count += 1
                }
            }
            argmaxAgreement = sequences > 0 ? Double(agree) / Double(sequences) : nil
            logitMaxDrift = worst
            logitMeanDrift = count > 0 ? total / Double(count) : nil
        } else {
            let cosines = zip(reference, candidate).map { VectorMath.cosine($0, $1) }.sorted()
            cosineMin = cosines.first
            cosineP1 = cosines.isEmpty ? nil : cosines[(cosines.count - 1) / 100]
            cosineMean = cosines.isEmpty ? nil : cosines.reduce(0, +) / Double(cosines.count)
            retrievalAgreement = Self.neighbourAgreement(reference, candidate)
        }
    }

    /// Share of rows whose nearest other row (by cosine) is the same in both sets; nil under two rows.
    static func neighbourAgreement(_ a: [[Float]], _ b: [[Float]]) -> Double? {
        guard a.count >= 2 else { return nil }
        let na = a.map(VectorMath.l2Normalized), nb = b.map(VectorMath.l2Normalized)
        var agree = 0
        for i in na.indices where nearest(i, na) == nearest(i, nb) { agree += 1 }
        return Double(agree) / Double(a.count)
    }

    static func nearest(_ i: Int, _ rows: [[Float]]) -> Int {
        var best = -1, bestScore = -Float.infinity
        for j in rows.indices where j != i {
            var dot: Float = 0
            for (x, y) in zip(rows[i], rows[j]) { dot += x * y }
            if dot > bestScore { bestScore = dot; best = j }
        }
        return best
    }

    /// Whether this measurement is the accuracy of `candidate`: a graph backend's file stands for that backend's
    /// candidates, a native precision for the candidates at it.
    public func applies(to candidate: TuneCandidate) -> Bool {
        backend.map { candidate.backend == $0 } ?? (candidate.precision == precision)
    }

    /// A model's outputs on `encodings` (sorted batches of 32): logits when it classifies, else embeddings; with the
    /// bytes of its packed weights (0 for a graph backend).
    public static func outputs(of model: BertModel, encodings: [Encoding]) throws -> (task: String, rows: [[Float]], bytes: Int) {
        let bytes = (model.backend as? NativeBackend)?.packedWeightBytes ?? 0
        if model.backend.hasClassificationHead {
            return ("classify", try model.logits(encodings: encodings, batching: .sorted(size: 32)), bytes)
        }
        return ("embed", try model.embed(encodings: encodings, batching: .sorted(size: 32)), bytes)
    }

    /// Runs the model folder's native engine at fp32 and at each of `precisions` over `encodings` (sorted batches
    /// of 32), and compares. Classifies when the checkpoint has a head, else embeds.
    public static func measure(
        modelPath: String, encodings: [Encoding], precisions: [Precision], threads: Int = 0,
        isa: KernelISA? = nil
    ) throws -> [PrecisionAccuracy] {
        func outputs(_ precision: Precision) throws -> (task: String, rows: [[Float]], bytes: Int) {
            try Self.outputs(
                of: BertModel(directory: modelPath, options: .init(truncate: true, threads: threads, isa: isa, precision: precision)),
                encodings: encodings)
        }
        let reference = try outputs(.fp32)
        return try precisions.filter { $0 != .fp32 }.map { precision in
            let candidate = try outputs(precision)
            return PrecisionAccuracy(
                precision: precision.rawValue, task: reference.task, reference: reference.rows,
                candidate: candidate.rows, weightBytes: candidate.bytes,
                fp32WeightBytes: reference.bytes)
        }
    }
}
