import ArgumentParser
import BertKit

/// The sentence-transformers prompt put before every input, by name or text: the same options wherever inputs are
/// tokenized (embed, classify, bench, tune, compare-precision), so each front end sees the tokens `embed` sees.
struct PromptOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "A prompt of the model's config_sentence_transformers.json to put before every input (default: its default_prompt_name).")
    var promptName: String?

    @Option(name: .long, help: "A text to put before every input (instead of a named prompt).")
    var prompt: String?

    /// `options` with the prompt asked for; both a name and a text is a one-line error.
    func applied(to options: BertModel.Options) throws -> BertModel.Options {
        if promptName != nil && prompt != nil { throw CLIError("--prompt-name and --prompt: give one") }
        return options.with(promptName: promptName, prompt: prompt)
    }
}
