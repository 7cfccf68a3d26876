"""Validating topics beyond coherence: FREX and exclusivity (:mod:`.frex`), intrusion tests and their
scoring (:mod:`.intrusion`)."""

from topiclab.validation.frex import exclusivity, frex_scores, frex_terms, term_counts, topic_quality
from topiclab.validation.intrusion import (
    IntrusionItem,
    agreement,
    document_intrusion,
    fleiss_kappa,
    log_odds,
    score_items,
    word_intrusion,
)

__all__ = ["IntrusionItem", "agreement", "document_intrusion", "exclusivity", "fleiss_kappa", "frex_scores",
           "frex_terms", "log_odds", "score_items", "term_counts", "topic_quality", "word_intrusion"]
