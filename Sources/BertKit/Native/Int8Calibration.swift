import BertTokenizers

/// The text int8's smoothing is calibrated on at load (`NativeBackend.Options.calibration`): varied sentences of
/// everyday, technical and literary English, with a few in other languages, numbers and code. Smoothing needs each
/// product's per-channel input ranges, which the model's outlier channels dominate whatever the text; sixteen
/// sentences measured as well as 300 on all-MiniLM-L6-v2 (`tools/int8_candidates.py --calibration 16`).
enum Int8Calibration {
    static let sentences = [
        "The committee postponed its decision until the budget figures for the next quarter are available.",
        "How do I reset my password if I no longer have access to the email address on the account?",
        "A light rain fell over the harbour as the fishing boats returned before dawn.",
        "The patient reported mild headaches and dizziness for three days after starting the new medication.",
        "Compile the project with optimizations enabled, then run the test suite twice to check for flaky tests.",
        "In 1969, two astronauts walked on the Moon while a third orbited above them in the command module.",
        "She laughed, closed the old book, and said that the ending was exactly what she had expected all along.",
        "Prices rose 3.2% in October, driven mostly by energy and housing costs.",
        "Le train pour Lyon partira avec vingt minutes de retard en raison de travaux sur la voie.",
        "Die Ergebnisse der Studie zeigen, dass regelmäßige Bewegung das Risiko deutlich senkt.",
        "let total = items.reduce(0) { $0 + $1.price } // sum of the cart",
        "Best pizza in town!!! Would definitely come back, but the service was a bit slow.",
        "The theorem holds for every continuous function on a closed interval, but not on an open one.",
        "Customers who bought this vacuum cleaner also asked whether its filter can be washed.",
        "Under the agreement, either party may terminate the contract with thirty days' written notice.",
        "Why is the sky blue? Sunlight is scattered by the molecules of the air, and blue light is scattered most.",
    ]

    /// The sentences as the model's encoder tokenizes them (its prompt, its rules), cut to its length limit.
    static func batch(_ encoder: InputEncoder) throws -> TokenBatch {
        TokenBatch(try sentences.map { try encoder.encode(TextInput($0), truncation: .right) })
    }
}
