"""`flowcoach replay`: the server's decoder, engine and encoder over a JSON-lines file."""
import json
import random
import subprocess

from conftest import BIN

T0 = 1_763_800_000_000
ANA = "11111111-2222-3333-4444-555555555555"
BEN = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def session_lines(user, session, mean_ms, windows, seed):
    rng = random.Random(seed)
    for seq in range(1, windows + 1):
        intervals = [max(20, int(rng.gauss(mean_ms, mean_ms * 0.2))) for _ in range(64)]
        yield {"type": "activity", "user": user, "session": session, "seq": seq, "at_ms": T0 + seq * 10_000,
               "window_ms": 10_000, "keystrokes": 64, "keystroke_intervals": intervals, "context_switches": 0,
               "error_events": 0, "focus_ms": 10_000, "files_modified": 1, "lines_added": 3, "lines_deleted": 1,
               "language": "swift"}


def replay(text, *args):
    return subprocess.run([BIN, "replay", "-", *args], input=text, capture_output=True, text=True, timeout=60)


def recording():
    lines = []
    for a, b in zip(session_lines("ana", ANA, 90, 60, 1), session_lines(None, BEN, 380, 60, 2)):
        if b["user"] is None:
            del b["user"]  # a line without a user belongs to the default user
        lines += [json.dumps(a), json.dumps(b)]
    return lines


def test_fast_and_slow_typists_reach_flow_and_summaries_match_what_was_sent():
    result = replay("\n".join(recording()) + "\n")
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    flows = [o for o in outputs if o["type"] == "flow"]
    assert len(flows) == 120  # one answer per activity
    for session in (ANA, BEN):
        states = [o["state"] for o in flows if o["session"] == session]
        assert "flow" in states[-10:], f"{session} never reached flow: {states}"
    summaries = {o["session"]: o for o in outputs if o["type"] == "session.summary"}
    assert set(summaries) == {ANA, BEN}
    for summary in summaries.values():
        assert summary["keystrokes"] == 60 * 64
        assert summary["lines_added"] == 60 * 3 and summary["lines_deleted"] == 60
        assert summary["flow_ms"] <= summary["active_ms"] <= summary["duration_ms"]


def test_replay_is_deterministic():
    text = "\n".join(recording()) + "\n"
    assert replay(text).stdout == replay(text).stdout


def test_bad_lines_are_reported_by_line_and_field_and_skipped():
    lines = recording()[:10]
    lines.insert(2, '{"type":"activity","session":"not-a-uuid","seq":1,"at_ms":1,"window_ms":1}')
    lines.insert(5, "this is not json")
    lines.insert(7, json.dumps({**json.loads(lines[6]), "seq": -4}))
    result = replay("\n".join(lines) + "\n")
    assert result.returncode == 0
    assert "line 3: invalid_field" in result.stderr and "session" in result.stderr
    assert "line 6: bad_json" in result.stderr
    assert "line 8: invalid_field" in result.stderr and "seq" in result.stderr
    assert sum(1 for line in result.stdout.splitlines() if '"type":"flow"' in line) == 10
