import Foundation
import PostgresNIO
import SiameseGallery

/// Where a gallery lives, written as one string (the `--gallery` option of `siamese serve` and `siamese gallery`):
///
/// - a file path (`faces.sqlite`, anything not starting with `postgres://` or `postgresql://`): a ``SQLiteGalleryStore``;
/// - `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]` (TCP, default port 5432, TLS off
///   unless `sslmode=require`): a ``PostgresGalleryStore``;
/// - `postgres://USER@/DATABASE?host=/run/postgresql` (a Unix socket, libpq's form: `host` is the socket's folder,
///   the socket file `.s.PGSQL.PORT` in it, port 5432 unless `port=` or `:PORT` says otherwise); `host` may also
///   name the socket file itself (`…?host=/tmp/pg/.s.PGSQL.54329`).
///
/// User names and passwords are percent-decoded; the password never appears in ``description`` or store locations.
public enum GalleryStoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// A PostgreSQL server, database and user.
    public struct PostgresLocation: Sendable, Equatable {
        /// TCP host name; `nil` with a Unix socket.
        public var host: String?
        public var port: Int
        /// The Unix socket file; `nil` over TCP.
        public var socketPath: String?
        public var username: String
        public var password: String?
        public var database: String
        /// Whether TLS is required (`sslmode=require`); TCP only.
        public var requireTLS: Bool

        public init(host: String?, port: Int = 5432, socketPath: String? = nil, username: String, password: String? = nil,
                    database: String, requireTLS: Bool = false) {
            self.host = host; self.port = port; self.socketPath = socketPath; self.username = username
            self.password = password; self.database = database; self.requireTLS = requireTLS
        }

        /// PostgresNIO's client configuration.
        public var configuration: PostgresClient.Configuration {
            if let socketPath {
                return PostgresClient.Configuration(unixSocketPath: socketPath, username: username, password: password, database: database)
            }
            return PostgresClient.Configuration(host: host ?? "localhost", port: port, username: username, password: password, database: database,
                                                tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        }
    }

    /// Parses `text` (see the type's description).
    ///
    /// - Throws: ``GalleryError/invalidArgument(_:)`` naming the location and what is wrong with it.
    public init(parsing text: String) throws(GalleryError) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            guard !text.isEmpty else { throw .invalidArgument("gallery location is empty; give a SQLite file or a postgres:// URL") }
            self = .sqlite(path: text)
            return
        }
        func bad(_ reason: String) -> GalleryError {
            .invalidArgument("gallery location \(Self.redacted(text)): \(reason) (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or postgres://USER@/DATABASE?host=/SOCKET/FOLDER)")
        }
        guard let url = URLComponents(string: text) else { throw bad("not a valid URL") }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard let value = item.value else { throw bad("query parameter '\(item.name)' has no value") }
            guard ["host", "port", "sslmode", "user", "password"].contains(item.name) else { throw bad("unknown query parameter '\(item.name)'") }
            query[item.name] = value
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw bad("name one database after the host, as /DATABASE") }
        guard let username = url.user ?? query["user"], !username.isEmpty else { throw bad("name the user, as USER@") }
        let password = url.password ?? query["password"]
        var port = url.port ?? 5432
        if let text = query["port"] {
            guard let value = Int(text) else { throw bad("port '\(text)' is not a number") }
            port = value
        }
        guard (1...65535).contains(port) else { throw bad("port \(port) is not in 1…65535") }
        let requireTLS: Bool
        switch query["sslmode"] ?? "disable" {
        case "disable": requireTLS = false
        case "require": requireTLS = true
        case let other: throw bad("sslmode '\(other)' is not supported (disable or require)")
        }
        let host = url.host.flatMap { $0.isEmpty ? nil : $0 }
        if let folder = query["host"], folder.hasPrefix("/") {
            guard host == nil else { throw bad("give a host name or a socket folder (?host=/…), not both") }
            guard !requireTLS else { throw bad("sslmode=require does not apply to a Unix socket") }
            let socket = URL(fileURLWithPath: folder).lastPathComponent.hasPrefix(".s.PGSQL.")
                ? folder : URL(fileURLWithPath: folder).appendingPathComponent(".s.PGSQL.\(port)").path
            self = .postgres(PostgresLocation(host: nil, port: port, socketPath: socket, username: username, password: password,
                                              database: database))
            return
        }
        guard let name = host ?? query["host"], !name.isEmpty else { throw bad("name the host, or a socket folder with ?host=/…") }
        self = .postgres(PostgresLocation(host: name, port: port, username: username, password: password, database: database,
                                          requireTLS: requireTLS))
    }

    /// The location without its password.
    public var description: String {
        switch self {
        case let .sqlite(path): return path
        case let .postgres(p):
            if let socket = p.socketPath { return "postgres://\(p.username)@/\(p.database)?host=\(socket)" }
            return "postgres://\(p.username)@\(p.host ?? "localhost"):\(p.port)/\(p.database)"
        }
    }

    /// Opens the store: the SQLite file (created when missing) or a connection pool to the PostgreSQL database (its
    /// tables created when missing). Close a ``PostgresGalleryStore`` with ``PostgresGalleryStore/close()`` when done.
    ///
    /// A PostgreSQL location is first tried with one connection, so that an unreachable server, a missing database
    /// or a refused login fails at once with the server's own words (the pool would retry for a minute).
    ///
    /// - Parameter logger: the pool's logger (default: errors only).
    public func open(logger: Logger? = nil) async throws -> any GalleryStore {
        switch self {
        case let .sqlite(path):
            return try SQLiteGalleryStore(path: path)
        case let .postgres(p):
            var quiet = Logger(label: "siamese.gallery.postgres")
            quiet.logLevel = .error
            let logger = logger ?? quiet
            try await probe(p, logger: logger)
            return try await PostgresGalleryStore(configuration: p.configuration, location: description, logger: logger)
        }
    }

    /// Connects once and disconnects, turning a failure into ``GalleryError/storage(path:reason:)``.
    private func probe(_ p: PostgresLocation, logger: Logger) async throws {
        let configuration: PostgresConnection.Configuration
        if let socket = p.socketPath {
            configuration = .init(unixSocketPath: socket, username: p.username, password: p.password, database: p.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = p.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
            configuration = .init(host: p.host ?? "localhost", port: p.port, username: p.username, password: p.password, database: p.database, tls: tls)
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            throw GalleryError.storage(path: description, reason: "cannot connect: \(reason)")
        } catch {
            throw GalleryError.storage(path: description, reason: "cannot connect: \(error)")
        }
    }

    /// `text` with any password replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text) else { return "(unparsable URL)" }
        if url.password != nil { url.password = "***" }
        if let items = url.queryItems, items.contains(where: { $0.name == "password" }) {
            url.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
        }
        return url.string ?? "(unparsable URL)"
    }
}
