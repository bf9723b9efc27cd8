import AsyncHTTPClient
import BertKit
import BertModelIO
import Foundation
import NIOCore
import NIOHTTP1

/// The Hub's HTTP file API for one model, over AsyncHTTPClient: the repo's file list and commit
/// (`GET /api/models/ORG/NAME/revision/REVISION`), a file's metadata (`HEAD /ORG/NAME/resolve/COMMIT/FILE`) and its
/// bytes. Redirects are followed by hand, at most `maxRedirects`, a loop refused: a HEAD follows only those on the
/// Hub's own origin (a redirect to a storage host carries the metadata itself, as `huggingface_hub` reads it), and
/// the token is sent to the Hub's origin only.
struct HubConnection: Sendable {
    let client: HTTPClient
    let endpoint: String
    let token: String?
    let model: HubModelName

    static let maxRedirects = 10
    /// The largest JSON answer read (the file list of a repo).
    static let maxJSONBytes = 32 << 20

    /// The commit the revision points to and the repo's files, each name checked (`HubFilePlan.isSafeRelativePath`).
    func repoInfo() async throws -> (commit: String, files: Set<String>) {
        let url = endpoint + "/api/models/" + model.repo + "/revision/" + Self.escape(model.revision, keepSlash: false)
        let (response, _) = try await send(.GET, url, file: nil, followOtherOrigins: false)
        let body = try await collect(response, file: nil)
        guard let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw refused(nil, "the file list at \(url) is not a JSON object")
        }
        guard let commit = json["sha"] as? String, HubModelName.isCommitHash(commit) else {
            throw refused(nil, "the file list has no commit hash in 'sha'")
        }
        guard let siblings = json["siblings"] as? [Any] else { throw refused(nil, "the file list has no 'siblings'") }
        var files = Set<String>()
        for sibling in siblings {
            guard let name = (sibling as? [String: Any])?["rfilename"] as? String else {
                throw refused(nil, "a 'siblings' entry has no 'rfilename'")
            }
            guard HubFilePlan.isSafeRelativePath(name) else {
                throw refused(name, "the file name is not a plain relative path (absolute, '..', '.', or empty parts)")
            }
            files.insert(name)
        }
        return (commit, files)
    }

    /// `HEAD` of `file` at `commit`, read as `huggingface_hub` reads it.
    func metadata(_ file: String, commit: String) async throws -> HubFileMetadata {
        let url = resolveURL(file, commit: commit)
        let (response, last) = try await send(.HEAD, url, file: file, followOtherOrigins: false)
        return try HubFileMetadata(headers: response.headers, url: last, model: model, file: file)
    }

    /// `GET` of `url` (from `range` bytes on, if above zero): the answer, whose status is 200 or 206 (or 416 when the
    /// range starts at the end).
    func get(_ url: String, file: String, from offset: Int) async throws -> HTTPClientResponse {
        var headers: [(String, String)] = []
        if offset > 0 { headers.append(("Range", "bytes=\(offset)-")) }
        return try await send(.GET, url, file: file, followOtherOrigins: true, headers: headers, accept416: offset > 0).response
    }

    func resolveURL(_ file: String, commit: String) -> String {
        endpoint + "/" + model.repo + "/resolve/" + commit + "/" + Self.escape(file, keepSlash: true)
    }

    /// Sends a request and follows its redirects; an error status becomes a `HubError.http` naming the file.
    private func send(
        _ method: HTTPMethod, _ start: String, file: String?, followOtherOrigins: Bool,
        headers extra: [(String, String)] = [], accept416: Bool = false
    ) async throws -> (response: HTTPClientResponse, url: String) {
        var url = start
        var visited: Set<String> = [url]
        for _ in 0...Self.maxRedirects {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "User-Agent", value: "bertkit/\(BertKitInfo.version); huggingface_hub-compatible")
            request.headers.add(name: "Accept-Encoding", value: "identity")
            if let token, Self.origin(url) == Self.origin(endpoint) {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            for (name, value) in extra { request.headers.add(name: name, value: value) }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(60))
            } catch let error as HubError {
                throw error
            } catch {
                throw networkError(file, error)
            }
            let code = Int(response.status.code)
            if [301, 302, 303, 307, 308].contains(code), let location = response.headers.first(name: "Location") {
                guard let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString else {
                    throw refused(file, "redirect to an invalid Location '\(location.prefix(200))'")
                }
                if method == .HEAD && !followOtherOrigins && Self.origin(next) != Self.origin(url) {
                    return (response, url)
                }
                guard visited.insert(next).inserted else { throw refused(file, "redirect loop through \(next)") }
                url = next
                continue
            }
            if (200..<300).contains(code) || (accept416 && code == 416) { return (response, url) }
            throw await httpError(response, file: file)
        }
        throw refused(file, "more than \(Self.maxRedirects) redirects from \(start)")
    }

    /// The error for an error status: what the Hub's `X-Error-Code` (`RepoNotFound`, `GatedRepo`,
    /// `RevisionNotFound`, `EntryNotFound`) or the status says, and whether `HF_TOKEN` would help.
    private func httpError(_ response: HTTPClientResponse, file: String?) async -> HubError {
        let code = Int(response.status.code)
        let errorCode = response.headers.first(name: "X-Error-Code")
        var message = response.headers.first(name: "X-Error-Message")
        if message == nil, let body = try? await response.body.collect(upTo: 1 << 16),
            let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        {
            message = json["error"] as? String
        }
        let tokenHint = token == nil ? "; set HF_TOKEN to a token that has access" : "; the HF_TOKEN given has no access"
        let detail: String
        switch (errorCode, code) {
        case ("GatedRepo", _): detail = "the repo is gated: accept its conditions on the Hub" + tokenHint
        case ("RepoNotFound", _), (nil, 401): detail = "repository not found, or private or gated" + tokenHint
        case ("RevisionNotFound", _): detail = "revision not found"
        case ("EntryNotFound", _): detail = "file not found"
        case (_, 403): detail = "forbidden" + tokenHint
        case (_, 404): detail = "not found"
        default: detail = response.status.reasonPhrase
        }
        let extra = message.map { " (\($0.prefix(200)))" } ?? ""
        return .http(status: code, model: model.repo, revision: model.revision, file: file, detail: detail + extra)
    }

    /// The whole body of a small answer (JSON), refusing more than `maxJSONBytes`.
    private func collect(_ response: HTTPClientResponse, file: String?) async throws -> Data {
        do {
            return Data(try await response.body.collect(upTo: Self.maxJSONBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw refused(file, "an answer of more than \(Self.maxJSONBytes) bytes")
        } catch {
            throw networkError(file, error)
        }
    }

    func refused(_ file: String?, _ reason: String) -> HubError {
        .refused(model: model.repo, revision: model.revision, file: file, reason: reason)
    }

    func networkError(_ file: String?, _ error: any Error) -> HubError {
        .network(model: model.repo, revision: model.revision, file: file, endpoint: endpoint, reason: String("\(error)".prefix(300)))
    }

    /// scheme://host:port of a URL.
    static func origin(_ url: String) -> String {
        guard let parts = URLComponents(string: url) else { return url }
        let scheme = parts.scheme?.lowercased() ?? ""
        let port = parts.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(parts.host?.lowercased() ?? ""):\(port)"
    }

    /// Percent-escapes a path (its `/` kept or not) as `urllib.parse.quote` does.
    static func escape(_ text: String, keepSlash: Bool) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepSlash { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
