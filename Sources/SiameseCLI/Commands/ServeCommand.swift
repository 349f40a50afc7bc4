import ArgumentParser
import Foundation
import SiameseCommandLine
import SiameseGallery
import SiameseGalleryPostgres
import SiameseModels
import SiameseServe

/// `siamese serve --model DIR`: the JSON API of ``SiameseService`` until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over HTTP: embed, compare, health, metrics, the OpenAPI document and, with --gallery, a gallery.",
        discussion: """
            Routes: GET /health, GET /metrics, GET /openapi.json, POST /embed, POST /compare; with --gallery also \
            GET|POST /gallery/identities, GET|DELETE /gallery/identities/{name}, POST /gallery/verify, \
            POST /gallery/identify, POST /gallery/search. Several servers may share one PostgreSQL gallery. \
            Stops gracefully on SIGTERM or SIGINT.
            """
    )

    @OptionGroup var model: ModelOptions
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0: any free port).") var port = 8080
    @Option(name: .customLong("max-body-mb"), help: "Largest request body in MiB.") var maxBodyMB: Double = 16
    @Option(help: "Most inputs in one request.") var maxInputs = 64
    @Option(help: "Most pixels (width × height) in an uploaded image.") var maxImagePixels = 1 << 22
    @Option(name: .customLong("batch-window-ms"), help: "How long concurrent requests are gathered into one encoder pass (ms).")
    var batchWindowMS = 2
    @Option(help: "Most images in one encoder pass.") var maxBatch = 256
    @Option(help: "Gallery: a SQLite file (created when missing), postgres://USER[:PASSWORD]@HOST[:PORT]/DB or postgres://USER@/DB?host=/SOCKET/FOLDER.")
    var gallery: String?

    func validate() throws {
        try model.validate()
        guard maxBodyMB.isFinite, maxBodyMB > 0, maxBodyMB <= 4096 else { throw ValidationError("--max-body-mb must be in (0, 4096]") }
        if let problem = settings.problems.first { throw ValidationError(problem) }
        if let gallery { do { _ = try GalleryStoreLocation(parsing: gallery) } catch { throw ValidationError("--gallery: \(error)") } }
    }

    private var settings: ServeConfiguration {
        ServeConfiguration(host: host, port: port, maxBodyBytes: Int(maxBodyMB * 1_048_576), maxInputs: maxInputs,
                           maxImagePixels: maxImagePixels, batchWindowMilliseconds: batchWindowMS, maxBatch: maxBatch)
    }

    func run() async throws {
        let service: SiameseService
        var extensions: [any ServiceRouteExtension] = []
        do {
            let loaded = try model.load()
            let name = URL(fileURLWithPath: model.modelFolder ?? model.runFolder ?? "model").standardizedFileURL.lastPathComponent
            service = try SiameseService(model: loaded, name: name, configuration: settings)
            if let gallery {
                extensions.append(try await GalleryRoutes.open(store: try await GalleryStoreLocation(parsing: gallery).open(), for: service))
            }
        } catch {
            throw CommandFailure(description: "\(error)")
        }
        let summary = service.runner.summary
        let host = self.host
        let galleryNote = gallery.map { ", gallery \((try? GalleryStoreLocation(parsing: $0).description) ?? $0)" } ?? ""
        try await service.run(extensions: extensions) { port in
            // Unbuffered, so that scripts waiting for this line see it at once.
            let line = "siamese serve: model \(summary.name) (dimension \(summary.dimension), \(summary.contentHash.prefix(12))…)\(galleryNote) on http://\(host):\(port)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
