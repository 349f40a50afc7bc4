/// What `siamese serve` listens on and the limits it enforces on every request.
///
/// Requests over a limit get a 413 answer with a JSON error body (``APIError``), before any model work.
public struct ServeConfiguration: Sendable, Equatable {
    /// Address to bind (default `127.0.0.1`, loopback only).
    public var host: String
    /// Port to bind (default 8080; 0 picks a free one).
    public var port: Int
    /// Largest request body in bytes (default 16 MiB).
    public var maxBodyBytes: Int
    /// Most inputs in one request (default 64).
    public var maxInputs: Int
    /// Most pixels (width × height) an uploaded image may declare (default 4 194 304, e.g. 2048 × 2048); checked
    /// from the image header before decoding.
    public var maxImagePixels: Int
    /// How long the micro-batcher waits for more requests before an encoder pass, in milliseconds (default 2).
    public var batchWindowMilliseconds: Int
    /// Most images in one encoder pass (default 256); a full batch starts at once.
    public var maxBatch: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 16 << 20, maxInputs: Int = 64,
                maxImagePixels: Int = 1 << 22, batchWindowMilliseconds: Int = 2, maxBatch: Int = 256) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxInputs = maxInputs
        self.maxImagePixels = maxImagePixels
        self.batchWindowMilliseconds = batchWindowMilliseconds
        self.maxBatch = maxBatch
    }

    /// Problems with these settings, in words; empty when the service can start with them.
    public var problems: [String] {
        var found: [String] = []
        if !(0...65535).contains(port) { found.append("port \(port) is not in 0…65535") }
        if maxBodyBytes < 1 { found.append("max body size \(maxBodyBytes) bytes must be at least 1") }
        if maxInputs < 1 { found.append("max inputs \(maxInputs) must be at least 1") }
        if maxImagePixels < 1 { found.append("max image pixels \(maxImagePixels) must be at least 1") }
        if batchWindowMilliseconds < 0 { found.append("batch window \(batchWindowMilliseconds) ms must not be negative") }
        if maxBatch < 1 { found.append("max batch \(maxBatch) must be at least 1") }
        return found
    }
}
