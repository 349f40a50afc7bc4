/// Why a training recipe cannot be read or used; each case names the file or the field.
public enum RecipeError: Error, Equatable, CustomStringConvertible {
    /// The recipe file cannot be read.
    case unreadable(path: String)
    /// The file is not a valid recipe (syntax, a wrong type, an unknown key).
    case invalid(file: String, reason: String)
    /// A field's value cannot work (a negative epoch count, a loss that needs a sampler it cannot have, …).
    case unusable(String)
    /// The data cannot support the recipe even with adapted defaults (one class, no images, …).
    case data(String)

    public var description: String {
        switch self {
        case let .unreadable(path): return "cannot read recipe \(path)"
        case let .invalid(file, reason): return "recipe \(file): \(reason)"
        case let .unusable(reason): return "recipe: \(reason)"
        case let .data(reason): return reason
        }
    }
}
