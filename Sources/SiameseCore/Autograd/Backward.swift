extension Tensor {
    /// Back-propagates from this tensor, adding gradients into every leaf that requires them.
    ///
    /// - Parameter seed: the gradient of the final objective with respect to `self`; defaults to ones,
    ///   which for a scalar loss gives d loss / d leaf.
    public func backward(seed: Tensor? = nil) {
        guard let root = node else { return }
        let seedGrad = seed ?? Tensor.ones(shape)
        check(seedGrad.shape == shape, "backward: seed shape \(seedGrad.shape) differs from tensor shape \(shape)")
        let order = GradNode.topologicalOrder(from: root)
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seedGrad]
        withNoGrad {
            for node in order.reversed() {
                guard let g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let rule = node.rule else {
                    node.grad = node.grad.map { $0 + g } ?? g.contiguous()
                    continue
                }
                let inputGrads = rule(g)
                for (parent, pg) in zip(node.parents, inputGrads) {
                    guard let parent, let pg else { continue }
                    let key = ObjectIdentifier(parent)
                    grads[key] = grads[key].map { $0 + pg } ?? pg
                }
            }
        }
    }
}

extension GradNode {
    /// Nodes reachable from `root`, each after all of its parents (iterative depth-first search).
    static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.parents.count {
                stack.append((node, next + 1))
                if let p = node.parents[next], visited.insert(ObjectIdentifier(p)).inserted {
                    stack.append((p, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}
