import SiameseModels

extension ComparisonHeadStage {
    /// The episodic loss whose class scores are this head's (sharing its weights): ``KochPairLoss`` for a Koch head,
    /// ``RelationLoss`` for a relation module. Evaluation of a loaded model classifies few-shot queries with it exactly
    /// as training did (``FewShotEvaluator``'s `accuracy(_:scoredBy:)`).
    public var episodicLoss: any EpisodicLoss {
        switch head {
        case .koch(let koch): return KochPairLoss(head: koch)
        case .relation(let relation): return RelationLoss(relation: relation)
        }
    }
}
