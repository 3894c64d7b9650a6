"""What evote says, in English and Chinese (spec §15.13): stable keys, matching templates, and a
real refusal written in either language, safe to print.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import msgspec
import pytest

import evote
from evote._internal.election.counting import decrypt_tally
from evote._internal.election.delegation import delegate
from evote._internal.election.tally import combine_tally
from evote._internal.ids import ElectionId, PersonId
from evote._internal.messages import Language, Message, Text, printable
from evote.errors import DETAIL, Check, InvalidInput, Reason, Refused, ThresholdError
from evote.hazmat.group import BASE
from evote.hazmat.signing import Signature
from tests.elections import CLOSES, ELECTION, OPENS, World, world

A = PersonId("A")
HOLDINGS = {"A": [10000, 12000], "B": [8000], "C": [9000], "D": [6000]}


def _texts() -> list[Text]:
    """Every Text held by a module of evote: as an attribute, or in a dict, list or tuple of them.

    The same Text imported into another module counts once.
    """
    found: dict[int, Text] = {}
    for module in pkgutil.walk_packages(evote.__path__, "evote."):
        if module.name.endswith("__main__"):  # runs the command
            continue
        for value in vars(importlib.import_module(module.name)).values():
            for item in _held(value):
                if isinstance(item, Text):
                    found[id(item)] = item
    return list(found.values())


def _held(value: object) -> list[object]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


TEXTS = _texts()


def _fields(template: str) -> set[tuple[str, str | None]]:
    """The fields of a template, each with its conversion (``!r``)."""
    return {
        (name, conversion)
        for _, name, _, conversion in string.Formatter().parse(template)
        if name is not None
    }


def test_the_package_says_many_things() -> None:
    assert len(TEXTS) > 200  # the walk found the modules and the texts in them


def test_every_key_is_unique() -> None:
    keys: dict[str, list[str]] = {}
    for text in TEXTS:
        keys.setdefault(text.key, []).append(text.en)
    repeated = {key: ens for key, ens in keys.items() if len(ens) > 1}
    assert not repeated


@pytest.mark.parametrize("text", TEXTS, ids=lambda text: text.key)
def test_a_text_is_the_same_in_both_languages(text: Text) -> None:
    assert re.fullmatch(r"[a-z0-9.]+(-[a-z0-9]+)*", text.key)
    assert _fields(text.en) == _fields(text.zh)
    assert text.zh.strip() or not text.en.strip()  # nothing said in English alone
    # Chinese punctuation is full-width: no ASCII comma, colon, semicolon or parenthesis.
    assert not re.search(r"[,:;()]", re.sub(r"\{[^}]*\}", "", text.zh)), text.zh


def _english_words(text: Text) -> set[str]:
    """The words of the English template, without its fields."""
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[^}]*\}", "", text.en))}


def _no_english(text: Text, rendered: str) -> None:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", rendered)}
    assert not words & _english_words(text), rendered


def _open_world() -> World:
    w = world(HOLDINGS)
    w.bind_everyone()
    w.open()
    return w


def test_a_delegation_to_oneself_is_refused_in_chinese() -> None:
    w = _open_world()
    a = w.credentials["A"]
    to_oneself = delegate(ELECTION, w.manifest_hash, A, a, a.verify_key, expires=CLOSES + 100)
    with pytest.raises(Refused) as caught:
        w.box.delegate(to_oneself, at=w.tick())
    error = caught.value
    assert error.reason is Reason.DELEGATION_INVALID
    assert error.message == "a delegation to oneself"
    assert error.render(Language.ZH) == "拒绝（delegation-invalid）：委托给自己"
    _no_english(error.said.text, error.said.render(Language.ZH))
    assert error.said.to_json() == {"code": "delegation-to-oneself", "figures": {}}
    # Placed on a board, it says which entry, in the same language.
    placed = error.placed(Check.DELEGATIONS, 7)
    assert placed.render(Language.ZH) == "第 7 条：拒绝（delegation-invalid）：委托给自己"
    assert placed.render() == "entry 7: refused (delegation-invalid): a delegation to oneself"


def test_a_ballot_before_the_window_is_refused_with_its_figures() -> None:
    w = world(HOLDINGS)
    w.bind_everyone()
    early = w.ballot("A", {"hire": [0]}).ballot
    with pytest.raises(Refused) as caught:
        w.box.cast(early, at=OPENS - 1)
    error = caught.value
    assert error.message == f"voting opens at {OPENS}"
    assert error.said.render(Language.ZH) == f"投票期自 {OPENS} 开始"
    _no_english(error.said.text, error.said.render(Language.ZH))
    assert error.said.to_json() == {"code": "voting-opens", "figures": {"opens": OPENS}}


def test_a_noun_passed_to_a_signature_check_is_written_in_the_same_language() -> None:
    w = _open_world()
    a, proxy = w.credentials["A"], w.credentials["D"]
    good = delegate(ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=CLOSES + 100)
    forged = msgspec.structs.replace(good, signature=Signature(bytes(64)))
    with pytest.raises(Refused) as caught:
        w.box.delegate(forged, at=w.tick())
    error = caught.value
    assert error.reason is Reason.BAD_SIGNATURE
    assert error.message == "delegation: the signature does not verify"
    assert error.said.render(Language.ZH) == "委托：签名无法验证"
    assert error.said.to_json() == {"code": "signature-fails", "figures": {"what": "delegation"}}


def test_a_refusal_for_another_election_names_the_item_in_chinese() -> None:
    w = _open_world()
    a, proxy = w.credentials["A"], w.credentials["D"]
    foreign = delegate(
        ElectionId("elsewhere"), w.manifest_hash, A, a, proxy.verify_key,
        expires=CLOSES + 100,
    )  # fmt: skip
    with pytest.raises(Refused) as caught:
        w.box.delegate(foreign, at=w.tick())
    said = caught.value.said
    assert said.render() == "delegation for election 'elsewhere'"
    assert said.render(Language.ZH) == "委托针对的是另一选举 'elsewhere'"
    assert said.to_json() == {
        "code": "other-election",
        "figures": {"what": "delegation", "election": "elsewhere"},
    }


def _shares_set_aside() -> ThresholdError:
    """Too few valid shares: one of the two is forged in its first partial decryption."""
    w = _open_world()
    for person in ("A", "B", "C"):
        w.box.cast(w.ballot(person, {"hire": [0]}).ballot, at=w.tick())
    w.close()
    tally = w.box.tally()
    good = [decrypt_tally(key, w.box) for key in w.keys[:2]]
    first = good[1].partials[0]
    forged = msgspec.structs.replace(first, point=first.point + BASE)
    bad = msgspec.structs.replace(good[1], partials=(forged, *good[1].partials[1:]))
    with pytest.raises(ThresholdError) as caught:
        combine_tally(w.election, tally, [bad, good[0]])
    return caught.value


def test_the_shares_set_aside_are_explained_in_chinese() -> None:
    error = _shares_set_aside()
    assert error.message == (
        "1 valid tally share(s), 2 needed (trustee 2: question hire, selection 0, headcount: "
        "partial decryption of trustee 2: Chaum–Pedersen proof does not verify)"
    )
    assert error.render(Language.ZH) == (
        "有效解密份额 1 份，需要 2 份（受托人 2：表决事项 hire 选项 0 的人数："
        "受托人 2 的部分解密：Chaum–Pedersen 证明无法验证）"
    )
    said = error.said.to_json()
    assert said["code"] == "too-few-valid-shares"
    figures = said["figures"]
    assert isinstance(figures, dict)
    assert (figures["valid"], figures["threshold"]) == (1, 2)
    assert figures["set_aside"] == {
        "code": "share-set-aside",
        "figures": {
            "trustee": 2,
            "problem": {
                "code": "partial-proof",
                "figures": {
                    "place": {
                        "code": "sum-place",
                        "figures": {"question": "hire", "selection": 0, "measure": "headcount"},
                    },
                    "problem": {"code": "partial-decryption-proof", "figures": {"trustee": 2}},
                },
            },
        },
    }


def test_printable_escapes_what_moves_a_terminal() -> None:
    assert printable("a\x1b[2J") == "a\\x1b[2J"
    assert printable("abc\u202edef") == "abc\\u202edef"
    assert printable("第 1 条\n") == "第 1 条\\x0a"
    assert printable("第 1 条\n第 2 条", lines=True) == "第 1 条\n第 2 条"


def test_a_figure_from_outside_is_escaped_in_either_language() -> None:
    error = InvalidInput(DETAIL, detail="\x1b[31mred\u202e")
    for language in Language:
        said = error.diagnostics(language)
        assert said == "\\x1b[31mred\\u202e"


def test_a_message_renders_a_list_and_a_text_as_figures() -> None:
    listed = Text("test-listed", "trustees {trustees!r}: {what}", "受托人 {trustees!r}：{what}")
    what = Text("test-what", "missing", "缺失")
    message = Message(listed, {"trustees": [2, 3], "what": what})
    assert message.render() == "trustees [2, 3]: missing"
    assert message.render(Language.ZH) == "受托人 [2, 3]：缺失"
    assert message.to_json() == {
        "code": "test-listed",
        "figures": {"trustees": [2, 3], "what": "test-what"},
    }
