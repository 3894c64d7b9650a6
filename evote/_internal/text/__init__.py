"""Words for people, in Chinese and English: results and reports written from their data.

What the record and the reports carry is data — figures, codes, verdicts; nothing here is compared
by a verifier. Every sentence is written from that data in the language asked for.
"""
