"""Reference values of sentence-transformers' pair losses for SiameseMetricLearning's tests.

Writes Tests/SiameseTestSupport/Fixtures/text_loss_reference.json. Run in the peer venv (sentence-transformers 6.2):
    ~/.cache/siamese-peers/venv/bin/python scripts/reference/text_loss_reference.py

Each case gives two embedding matrices a, b ([n, d]), targets, and the losses sentence-transformers computes from
them through `compute_loss_from_embeddings` (the model argument is not used there).
"""
import json
import pathlib

import torch
from sentence_transformers.sentence_transformer.losses import (
    CoSENTLoss,
    CosineSimilarityLoss,
    MultipleNegativesRankingLoss,
    OnlineContrastiveLoss,
)


class NoModel(torch.nn.Module):
    """Stands in for the SentenceTransformer the loss constructors want; never called."""


def case(seed, n, d, graded):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(n, d, generator=g, dtype=torch.float64)
    b = a + 0.8 * torch.randn(n, d, generator=g, dtype=torch.float64)
    # The Swift side reads these as Float: round them so both sides start from the same numbers.
    a, b = a.float().double(), b.float().double()
    if graded:
        # STS-like scores with ties: multiples of 0.2 in [0, 5].
        targets = torch.randint(0, 26, (n,), generator=g).to(torch.float64) / 5
    else:
        targets = torch.randint(0, 2, (n,), generator=g).to(torch.float64)
    model = NoModel()
    out = {"a": a.tolist(), "b": b.tolist(), "targets": targets.tolist()}
    emb = [a, b]
    out["mnrl"] = MultipleNegativesRankingLoss(model).compute_loss_from_embeddings(emb, targets).item()
    out["mnrl_scale5"] = MultipleNegativesRankingLoss(model, scale=5).compute_loss_from_embeddings(emb, targets).item()
    out["mnrl_symmetric"] = MultipleNegativesRankingLoss(
        model, directions=("query_to_doc", "doc_to_query"), partition_mode="per_direction"
    ).compute_loss_from_embeddings(emb, targets).item()
    out["cosent"] = CoSENTLoss(model).compute_loss_from_embeddings(emb, targets).item()
    out["cosent_scale5"] = CoSENTLoss(model, scale=5).compute_loss_from_embeddings(emb, targets).item()
    if not graded:
        out["online_contrastive"] = OnlineContrastiveLoss(model).compute_loss_from_embeddings(emb, targets).item()
    # CosineSimilarityLoss wants targets in [0, 1].
    scaled = targets / 5 if graded else targets
    out["cosine_targets"] = scaled.tolist()
    out["cosine_similarity"] = CosineSimilarityLoss(model).compute_loss_from_embeddings(emb, scaled).item()
    return out


if __name__ == "__main__":
    import sentence_transformers

    cases = [case(1, 8, 6, True), case(2, 5, 4, True), case(3, 10, 3, False), case(4, 6, 5, False)]
    out = pathlib.Path(__file__).resolve().parents[2] / "Tests/SiameseTestSupport/Fixtures/text_loss_reference.json"
    out.write_text(json.dumps({"sentence_transformers": sentence_transformers.__version__, "cases": cases}) + "\n")
    print(out)
