/// The members of a zip archive, read from its central directory over a memory map. Only what PyTorch's
/// `torch.save` writes is accepted: stored (uncompressed) members, with ZIP64 sizes and offsets where needed.
/// https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (sections 4.3.7 to 4.3.16, 4.5.3)
struct ZipArchive {
    /// Member name → byte range of its data inside the mapping.
    let members: [String: Range<Int>]

    init(_ file: MappedFile) throws {
        let bytes = UnsafeRawBufferPointer(start: file.base, count: file.count)
        func corrupt(_ reason: String) -> ModelIOError { .corruptCheckpoint(path: file.path, reason: reason) }
        // Every position is base + offset, checked: a hostile file can put any 64-bit value in a size or offset.
        func position(_ base: Int, _ offset: Int, width: Int) throws -> Int {
            let (at, overflow) = base.addingReportingOverflow(offset)
            guard !overflow, at >= 0, at <= bytes.count - width else {
                throw corrupt("truncated zip structure at byte \(overflow ? "past \(Int.max)" : "\(at)")")
            }
            return at
        }
        func u16(_ base: Int, _ offset: Int = 0) throws -> Int {
            Int(bytes.loadUnaligned(fromByteOffset: try position(base, offset, width: 2), as: UInt16.self).littleEndian)
        }
        func u32(_ base: Int, _ offset: Int = 0) throws -> Int {
            Int(bytes.loadUnaligned(fromByteOffset: try position(base, offset, width: 4), as: UInt32.self).littleEndian)
        }
        func u64(_ base: Int, _ offset: Int = 0) throws -> Int {
            let at = try position(base, offset, width: 8)
            let value = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian
            guard value <= UInt64(Int.max) else { throw corrupt("zip field at byte \(at) is out of range") }
            return Int(value)
        }
        // End of central directory: the last 22 bytes plus a comment of up to 65,535 bytes.
        var end = -1
        var at = bytes.count - 22
        while at >= max(0, bytes.count - 22 - 65_535) {
            if try u32(at) == 0x0605_4B50 { end = at; break }
            at -= 1
        }
        guard end >= 0 else { throw corrupt("no zip end-of-central-directory record (truncated or not a zip file)") }
        var count = try u16(end + 10)
        var directory = try u32(end + 16)
        // ZIP64: a locator sits just before the classic record and points at the 64-bit record.
        if end >= 20, try u32(end - 20) == 0x0706_4B50 {
            let record = try u64(end - 12)
            guard try u32(record) == 0x0606_4B50 else { throw corrupt("ZIP64 end record missing at byte \(record)") }
            count = try u64(record, 32)
            directory = try u64(record, 48)
        }
        var members: [String: Range<Int>] = [:]
        var entry = directory
        for index in 0..<count {
            guard try u32(entry) == 0x0201_4B50 else { throw corrupt("central directory entry \(index) is damaged") }
            let method = try u16(entry + 10)
            var compressed = try u32(entry + 20)
            var size = try u32(entry + 24)
            let nameLength = try u16(entry + 28)
            let extraLength = try u16(entry + 30)
            let commentLength = try u16(entry + 32)
            var local = try u32(entry + 42)
            guard entry + 46 + nameLength <= bytes.count else { throw corrupt("central directory entry \(index) is truncated") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(entry + 46)..<(entry + 46 + nameLength)]), as: UTF8.self)
            // ZIP64 extra field: 64-bit values for the fields that hold 0xFFFFFFFF, in this order.
            var extra = entry + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let tag = try u16(extra), length = try u16(extra + 2)
                if tag == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u64(field); field += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(field) }
                }
                extra += 4 + length
            }
            guard method == 0 else {
                throw corrupt("member '\(name)' is compressed (method \(method)); torch.save writes stored members only")
            }
            guard try u32(local) == 0x0403_4B50 else { throw corrupt("member '\(name)': local header missing at byte \(local)") }
            // local ≤ the file's size here, and the two lengths are 16-bit: no overflow.
            let start = local + 30 + (try u16(local, 26)) + (try u16(local, 28))
            guard compressed == size, start <= bytes.count, size <= bytes.count - start else {
                throw corrupt("member '\(name)' needs \(size) bytes from byte \(start) but the file has \(bytes.count) (truncated?)")
            }
            members[name] = start..<(start + size)
            entry += 46 + nameLength + extraLength + commentLength
        }
        self.members = members
    }
}
