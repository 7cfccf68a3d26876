"""Intrusion tests for human coders, from a run folder: sheets to fill in, a key kept apart, and scoring.

:func:`write_sheets` writes two folders. The coders get ``OUT/``:

==========================  ============================================================
``word_intrusion.csv``      ``sheet, item, word_1 … word_N, answer``: a topic's top words and
                            one intruder, shuffled (Chang et al. 2009); ``answer`` is empty
``document_intrusion.csv``  ``sheet, item, doc_1 … doc_N, answer``: excerpts of a topic's top
                            documents and one document where the topic is nearly absent
``sheets.html``             the same items to print: one block an item, a box to tick a line
==========================  ============================================================

The key stays with the researcher, in ``OUT-key/`` (``--key``): ``answer_key.csv``, one row an
option shown (``task, item, topic, option, shown, intruder, weight``: the term or ``doc_id``,
whether it is the intruder, and its weight in the topic) and ``manifest.json`` with the run,
seed and settings (with them the key could be rebuilt, so the coders' folder holds neither).
Items come in a shuffled order, numbered ``W01``…, ``D01``…, and every sheet carries the
set's code (a hash of the key), so a sheet is never scored against another set's key.

A coder writes in ``answer`` the number of the intruder (1 to N) or, for words, the word
itself; a blank is a skipped item. :func:`score_sheets` reads one file a coder (a file's name
is its coder) and gives, a topic, the model precision (share of coders who found the
intruder), for documents the log odds, and for the whole set Fleiss' kappa between coders.
"""

from topiclab.intrusion_sheets.scoring import read_answers, read_key, score_sheets, write_scores
from topiclab.intrusion_sheets.sheets import KEY_FILE, TASKS, Sheets, build_sheets, default_key_dir, write_sheets

__all__ = ["KEY_FILE", "TASKS", "Sheets", "build_sheets", "default_key_dir", "read_answers", "read_key",
           "score_sheets", "write_scores", "write_sheets"]
