"""The researcher's curation of a run's topics: names, merges and exclusions (``topiclab label``).

A run folder's ``labels.toml`` is the file a researcher edits (by hand or with ``topiclab label``)::

    merge = [[4, 7]]      # topics counted as one: shares summed into the group's first topic
    exclude = [9]         # topics reported but left out of comparisons (boilerplate, background)

    [names]
    3 = "营商环境"

The run's ``config.toml`` mirrors it in its ``[labels]`` section, so ``topiclab fit --config
RUN/config.toml`` keeps the labels, and :meth:`topiclab.config.FitConfig.from_toml` reads a
``labels.toml`` beside a ``config.toml`` first, so a hand edit counts before it is synced.
The ``label`` column of ``topics.csv`` and ``dominant_label`` of ``doc_topics.csv`` follow the
names (a topic without one keeps its default: a seeded topic's name, else its top 3 terms).

How comparisons read the labels (:class:`Curation`): a merged group is one topic whose
proportion is the sum of its members' (the share of the document's words the group holds),
numbered and named by its first member (the first name among its members, if the first has
none); an excluded topic is left out of every comparison table and figure and listed as
excluded. **Proportions are not renormalised** after excluding: a topic's proportion stays the
share of all the document's words, the quantity of ``doc_topics.csv`` and of a run without
labels, so the bootstrap means and the regression coefficients keep their meaning (percentage
points of the text) and excluding one topic never changes another's numbers. Renormalising
would inflate every share in documents rich in boilerplate and turn a group's difference in
boilerplate into differences in every other topic, which is what excluding should prevent.
"""

from topiclab.curation.labels import (
    HEADER,
    LABELS_FILE,
    Curation,
    default_labels,
    labels_toml,
    normalised,
    resolve_labels,
    updated_labels,
)
from topiclab.curation.run_folder import (
    label_run,
    labels_summary,
    read_labels,
    read_topics,
    run_curation,
    run_k,
    seeded_names,
    write_labels_file,
)

__all__ = ["HEADER", "LABELS_FILE", "Curation", "default_labels", "label_run", "labels_summary", "labels_toml",
           "normalised", "read_labels", "read_topics", "resolve_labels", "run_curation", "run_k", "seeded_names",
           "updated_labels", "write_labels_file"]
