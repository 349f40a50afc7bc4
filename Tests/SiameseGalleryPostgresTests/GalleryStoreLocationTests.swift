import Foundation
import Testing
import SiameseGallery
import SiameseGalleryPostgres

/// `--gallery LOCATION`: SQLite paths, PostgreSQL URLs over TCP and Unix sockets, and the refusals naming what is wrong.
@Suite struct GalleryStoreLocationTests {
    typealias Location = GalleryStoreLocation

    @Test func pathsAreSQLite() throws {
        #expect(try Location(parsing: "faces.sqlite") == .sqlite(path: "faces.sqlite"))
        #expect(try Location(parsing: "/tmp/a b/g.db") == .sqlite(path: "/tmp/a b/g.db"))
    }

    @Test func tcpURLs() throws {
        let location = try Location(parsing: "postgres://ada:p%40ss@db.example:5433/gallery")
        #expect(location == .postgres(.init(host: "db.example", port: 5433, username: "ada", password: "p@ss", database: "gallery")))
        #expect(!location.description.contains("p@ss") && location.description == "postgres://ada@db.example:5433/gallery")
        #expect(try Location(parsing: "postgresql://ada@db/g?sslmode=require")
                == .postgres(.init(host: "db", port: 5432, username: "ada", database: "g", requireTLS: true)))
        #expect(try Location(parsing: "postgres://db/g?user=ada&password=x&port=6000")
                == .postgres(.init(host: "db", port: 6000, username: "ada", password: "x", database: "g")))
    }

    @Test func unixSockets() throws {
        #expect(try Location(parsing: "postgres://siamese@/g?host=/run/postgresql")
                == .postgres(.init(host: nil, port: 5432, socketPath: "/run/postgresql/.s.PGSQL.5432", username: "siamese", database: "g")))
        #expect(try Location(parsing: "postgres://siamese@/g?host=/tmp/pg&port=54329")
                == .postgres(.init(host: nil, port: 54329, socketPath: "/tmp/pg/.s.PGSQL.54329", username: "siamese", database: "g")))
        let file = try Location(parsing: "postgres://siamese@/g?host=/tmp/pg/.s.PGSQL.54329")
        #expect(file == .postgres(.init(host: nil, port: 5432, socketPath: "/tmp/pg/.s.PGSQL.54329", username: "siamese", database: "g")))
        #expect(file.description == "postgres://siamese@/g?host=/tmp/pg/.s.PGSQL.54329")
    }

    @Test(arguments: [
        ("", "empty"),
        ("postgres://db.example/g", "user"),
        ("postgres://ada@db.example/", "database"),
        ("postgres://ada@db.example/a/b", "database"),
        ("postgres://ada@/g", "host"),
        ("postgres://ada@db/g?sslmode=verify-full", "sslmode"),
        ("postgres://ada@db/g?colour=red", "colour"),
        ("postgres://ada@db/g?port=x", "port"),
        ("postgres://ada@db/g?port=0", "port 0"),
        ("postgres://ada@db/g?host=/tmp/pg", "not both"),
        ("postgres://ada@/g?host=/tmp/pg&sslmode=require", "Unix socket"),
    ])
    func refusalsNameTheProblem(text: String, word: String) throws {
        do {
            _ = try Location(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            guard case let .invalidArgument(message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains(word), "\(message)")
        }
    }

    @Test func passwordsStayOutOfErrors() throws {
        do {
            _ = try Location(parsing: "postgres://ada:hunter2@db/")
            Issue.record("accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2") && "\(error)".contains("***"), "\(error)")
        }
    }

    @Test func opensSQLite() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-location-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try await Location(parsing: path).open()
        #expect(store is SQLiteGalleryStore && store.location == path)
        #expect(try await store.generation() == 0)
    }
}
