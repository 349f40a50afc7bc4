/// One line of a model folder's `modules.json`, in sentence-transformers' layout: the modules run in `idx` order,
/// each with its files under `path` (empty for the folder itself).
///
/// ```json
/// [{"idx": 0, "name": "0", "path": "0_ImageInput", "type": "SiameseKit.ImageInput"},
///  {"idx": 1, "name": "1", "path": "", "type": "SiameseKit.Encoder"},
///  {"idx": 2, "name": "2", "path": "2_Normalize", "type": "SiameseKit.Normalize"}]
/// ```
public struct ModuleDescriptor: Codable, Sendable, Equatable {
    public var idx: Int
    public var name: String
    public var path: String
    public var type: String

    public init(idx: Int, name: String, path: String, type: String) {
        self.idx = idx; self.name = name; self.path = path; self.type = type
    }
}
