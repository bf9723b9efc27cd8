import Foundation

/// A model on the Hugging Face Hub: `ORG/NAME`, or a bare `NAME` (the Hub's legacy canonical models), with an optional
/// `@REVISION` (a branch, tag or commit; `main` when absent), as `--model` and `MODEL_ID` take it.
public struct HubModelName: Sendable, Hashable, CustomStringConvertible {
    /// `ORG/NAME` or `NAME`.
    public let repo: String
    /// A branch, tag or commit hash.
    public let revision: String

    /// The longest repo id the Hub accepts (96 characters a part, one slash).
    static let maxRepoLength = 96 * 2 + 1
    /// The longest revision accepted (a branch or tag name; `refs/pr/N`).
    static let maxRevisionLength = 256

    /// A name and revision, checked as the Hub checks repo ids: one or two parts of letters, digits, `-`, `_` and `.`,
    /// none starting or ending with `-` or `.`, no `--` or `..`. The revision may hold `/` (`refs/pr/1`) but no empty
    /// part, `.` or `..`. Throws `HubError.invalidName` saying what is wrong.
    public init(repo: String, revision: String = "main") throws {
        guard repo.utf8.count <= Self.maxRepoLength else {
            throw HubError.invalidName(repo, reason: "longer than \(Self.maxRepoLength) characters")
        }
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else {
            throw HubError.invalidName(repo, reason: "a model name is ORG/NAME or NAME")
        }
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 96 else {
                throw HubError.invalidName(repo, reason: "each part has 1 to 96 characters")
            }
            guard part.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
                throw HubError.invalidName(repo, reason: "only letters, digits, '-', '_' and '.' are allowed")
            }
            guard !part.contains("--"), !part.contains(".."), let first = part.first, let last = part.last,
                first != "-", first != ".", last != "-", last != "."
            else {
                throw HubError.invalidName(repo, reason: "no part may start or end with '-' or '.', or hold '--' or '..'")
            }
        }
        guard !revision.isEmpty, revision.utf8.count <= Self.maxRevisionLength else {
            throw HubError.invalidName(repo + "@" + revision, reason: "a revision has 1 to \(Self.maxRevisionLength) characters")
        }
        let revisionParts = revision.split(separator: "/", omittingEmptySubsequences: false)
        guard revision.unicodeScalars.allSatisfy({ Self.isNameCharacter($0) || $0 == "/" }),
            revisionParts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw HubError.invalidName(
                repo + "@" + revision, reason: "a revision is a branch, tag or commit: letters, digits, '-', '_', '.', '/'")
        }
        self.repo = repo
        self.revision = revision
    }

    /// Parses `ORG/NAME[@REVISION]`.
    public init(parsing text: String) throws {
        if let at = text.firstIndex(of: "@") {
            try self.init(repo: String(text[..<at]), revision: String(text[text.index(after: at)...]))
        } else {
            try self.init(repo: text)
        }
    }

    /// Whether the revision is a full commit hash (40 lowercase hex digits), which needs no `refs/` lookup.
    public var isCommit: Bool { Self.isCommitHash(revision) }

    /// 40 lowercase hexadecimal digits, as the Hub names commits (and `huggingface_hub` recognises them).
    public static func isCommitHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// The cache folder's name: `models--ORG--NAME`.
    public var cacheFolderName: String { "models--" + repo.replacingOccurrences(of: "/", with: "--") }

    public var description: String { revision == "main" ? repo : repo + "@" + revision }

    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return scalar == "-" || scalar == "_" || scalar == "."
        }
    }
}
