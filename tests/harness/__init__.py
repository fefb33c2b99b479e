"""Browser test harness: every page of a site rendered by real Quarto, checked in Chromium
offline (see README.md here)."""

from .runner import Chunk, Deck, DeckReport, Failure, HarnessSession, Slide, corner_combinations
from .site import Render, copy_project, render, site_files

__all__ = ["Chunk", "Deck", "DeckReport", "Failure", "HarnessSession", "Slide", "corner_combinations",
           "Render", "copy_project", "render", "site_files"]
