/// Builds an ONNX graph node by node: fresh value names, initializers, and the opset-dependent spellings of the ops
/// BERT graphs use (reductions whose axes moved from attribute to input, LayerNormalization and Gelu before they were
/// standard ops).
struct GraphBuilder {
    /// The default-domain opset the graph targets.
    let opset: Int
    private(set) var nodes: [NodeProto] = []
    private(set) var initializers: [TensorProto] = []
    /// Whether a node of ONNX Runtime's `com.microsoft` domain was added.
    private(set) var usesContribOps = false
    private var counter = 0
    private var sink: InitializerSink

    /// The domain of ONNX Runtime's contrib ops.
    static let contribDomain = "com.microsoft"

    init(opset: Int, sink: InitializerSink) {
        self.opset = opset
        self.sink = sink
    }

    /// The sink, with the bytes of any external initializers written so far.
    var initializerSink: InitializerSink { sink }

    private mutating func fresh(_ hint: String) -> String {
        counter += 1
        return "\(hint)_\(counter)"
    }

    /// Adds a node and returns its outputs.
    @discardableResult
    mutating func node(
        _ op: String, _ inputs: [String], outputs count: Int = 1, domain: String = "",
        name hint: String? = nil, outputNames: [String]? = nil, attrs attributes: [AttributeProto] = []
    ) -> [String] {
        let name = fresh(hint ?? op)
        let outputs = outputNames ?? (0..<count).map { count == 1 ? name : "\(name)_out\($0)" }
        if domain == Self.contribDomain { usesContribOps = true }
        nodes.append(NodeProto(opType: op, domain: domain, name: name, inputs: inputs, outputs: outputs, attributes: attributes))
        return outputs
    }

    /// Adds a single-output node.
    mutating func op(
        _ op: String, _ inputs: String..., domain: String = "", name: String? = nil, output: String? = nil,
        attrs attributes: [AttributeProto] = []
    ) -> String {
        node(op, inputs, domain: domain, name: name, outputNames: output.map { [$0] }, attrs: attributes)[0]
    }

    /// A float32 initializer.
    mutating func floats(_ name: String, _ values: [Float], dims: [Int]) -> String {
        initializers.append(
            sink.tensor(
                name: name, type: .float, dims: dims.map(Int64.init),
                bytes: values.withUnsafeBytes { Array($0) }))
        return name
    }

    /// An int8 initializer (quantized weights, zero points).
    mutating func int8s(_ name: String, _ values: [Int8], dims: [Int]) -> String {
        initializers.append(
            sink.tensor(
                name: name, type: .int8, dims: dims.map(Int64.init),
                bytes: values.withUnsafeBytes { Array($0) }))
        return name
    }

    /// An int64 initializer (shapes, axes, indices).
    mutating func ints(_ values: [Int64], dims: [Int]? = nil, hint: String = "const") -> String {
        let name = fresh(hint)
        initializers.append(
            TensorProto(
                name: name, type: .int64, dims: (dims ?? [values.count]).map(Int64.init),
                storage: .raw(values.withUnsafeBytes { Array($0) })))
        return name
    }

    /// A float32 scalar initializer.
    mutating func scalar(_ value: Float, hint: String = "scalar") -> String {
        let name = fresh(hint)
        initializers.append(TensorProto(name: name, type: .float, dims: [], storage: .raw(withUnsafeBytes(of: value) { Array($0) })))
        return name
    }

    // MARK: Opset-dependent spellings

    /// `ReduceSum`/`ReduceMean`/`ReduceMax`/`ReduceL2` over `axes`: axes are an input from opset 13 for ReduceSum and
    /// from opset 18 for the others, an attribute before.
    mutating func reduce(_ op: String, _ x: String, axes: [Int64], keepDims: Bool) -> String {
        let keep = AttributeProto(name: "keepdims", value: .int(keepDims ? 1 : 0))
        if op == "ReduceSum" || opset >= 18 {
            return node(op, [x, ints(axes, hint: "axes")], attrs: [keep])[0]
        }
        return node(op, [x], attrs: [keep, AttributeProto(name: "axes", value: .ints(axes))])[0]
    }

    /// `Unsqueeze` (axes as an input, opset 13 and later).
    mutating func unsqueeze(_ x: String, axes: [Int64]) -> String {
        node("Unsqueeze", [x, ints(axes, hint: "axes")])[0]
    }

    /// Layer normalization over the last axis: the `LayerNormalization` op from opset 17, its decomposition before.
    mutating func layerNorm(_ x: String, gamma: String, beta: String, epsilon: Float) -> String {
        if opset >= 17 {
            return node(
                "LayerNormalization", [x, gamma, beta],
                attrs: [AttributeProto(name: "axis", value: .int(-1)), AttributeProto(name: "epsilon", value: .float(epsilon))])[0]
        }
        let mean = reduce("ReduceMean", x, axes: [-1], keepDims: true)
        let centered = op("Sub", x, mean)
        let variance = reduce("ReduceMean", op("Mul", centered, centered), axes: [-1], keepDims: true)
        let std = op("Sqrt", op("Add", variance, scalar(epsilon, hint: "epsilon")))
        return op("Add", op("Mul", op("Div", centered, std), gamma), beta)
    }

    /// GELU, exact (erf) or with the tanh approximation: the `Gelu` op from opset 20, its decomposition before.
    mutating func gelu(_ x: String, tanhApproximation: Bool) -> String {
        if opset >= 20 {
            return node("Gelu", [x], attrs: [AttributeProto(name: "approximate", value: .string(tanhApproximation ? "tanh" : "none"))])[0]
        }
        let half = op("Mul", x, scalar(0.5, hint: "half"))
        let inner: String
        if tanhApproximation {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            let cube = op("Mul", op("Mul", x, x), x)
            let sum = op("Add", x, op("Mul", cube, scalar(0.044715, hint: "gelu_c")))
            inner = op("Tanh", op("Mul", sum, scalar(Float((2 / Double.pi).squareRoot()), hint: "gelu_k")))
        } else {
            // 0.5 x (1 + erf(x / sqrt 2))
            inner = op("Erf", op("Div", x, scalar(Float(2.0.squareRoot()), hint: "sqrt2")))
        }
        return op("Mul", half, op("Add", inner, scalar(1, hint: "one")))
    }

    /// Finishes the graph.
    func graph(name: String, inputs: [ValueInfoProto], outputs: [ValueInfoProto]) -> GraphProto {
        GraphProto(name: name, nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs)
    }
}
