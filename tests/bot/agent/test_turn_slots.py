"""TurnSlots: at most `size` holders, served in arrival order; released() lends the slot out and queues again."""

from __future__ import annotations

import threading
import time
from typing import Callable

from bot.agent.turn_slots import TurnSlots


def _wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


def test_at_most_size_run_at_once_in_arrival_order() -> None:
    slots = TurnSlots(1)
    order: list[int] = []
    slots.acquire()  # the first turn holds the only slot
    threads = []

    def turn(number: int) -> None:
        with slots:
            order.append(number)

    for number in range(4):
        thread = threading.Thread(target=turn, args=(number,))
        thread.start()
        queued = number + 1
        _wait_for(lambda: slots.waiting == queued)  # each one queues before the next arrives
        threads.append(thread)
    assert order == [] and slots.running == 1
    slots.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3]
    assert slots.running == 0 and slots.waiting == 0


def test_two_slots_let_two_in() -> None:
    slots = TurnSlots(2)
    slots.acquire()
    slots.acquire()
    entered = threading.Event()

    def turn() -> None:
        with slots:
            entered.set()

    thread = threading.Thread(target=turn)
    thread.start()
    assert not entered.wait(0.1)
    slots.release()
    assert entered.wait(5)
    thread.join(5)
    slots.release()
    assert slots.running == 0


def test_released_lends_the_slot_and_size_zero_means_no_limit() -> None:
    slots = TurnSlots(1)
    with slots:
        with slots.released():
            with slots:  # another turn gets it meanwhile
                assert slots.running == 1
        assert slots.running == 1
    assert slots.running == 0
    unlimited = TurnSlots(0)
    for _ in range(100):
        unlimited.acquire()
    assert unlimited.running == 0
