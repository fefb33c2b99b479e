"""Browser test harness for the Quarto reveal.js decks' {ojs} cells (see README.md here)."""

from .qmd import Chunk, Deck, Slide, parse_deck
from .runner import DeckReport, Failure, HarnessSession, corner_combinations

__all__ = ["Chunk", "Deck", "Slide", "parse_deck", "DeckReport", "Failure", "HarnessSession",
           "corner_combinations"]
