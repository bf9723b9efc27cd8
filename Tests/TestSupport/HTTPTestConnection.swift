import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client on a raw socket to 127.0.0.1, for server tests that need what HTTP libraries hide:
/// hanging up mid-request, or talking to a server process while it shuts down. Closes its socket when released.
public final class HTTPTestConnection: @unchecked Sendable {
    private var fd: Int32

    /// Connects, or nil when nothing listens on `port`.
    public init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            Glibc.close(fd)
            return nil
        }
    }

    deinit { close() }

    /// Sends one request; a `json` body goes with its content type. `keepAlive` false asks the server to close after.
    public func send(_ method: String, _ path: String, json: String? = nil, keepAlive: Bool = false) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n" + (keepAlive ? "" : "Connection: close\r\n")
        if let json { head += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n" }
        _ = (head + "\r\n" + (json ?? "")).withCString { write(fd, $0, strlen($0)) }
    }

    /// Reads one response: until its headers and `Content-Length` bytes of body have arrived, or the peer closes.
    public func response() -> String {
        var data = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            let text = String(decoding: data, as: UTF8.self)
            if let split = text.range(of: "\r\n\r\n"),
                let line = text[..<split.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }
                ),
                let length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
                text.utf8.count - text.utf8.distance(from: text.startIndex, to: split.upperBound) >= length
            {
                break
            }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Hangs up (the server sees the client go away).
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
