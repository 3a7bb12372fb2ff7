"""The investigator's Streamlit app: ``app.py`` calls ``graphtool.app.main.run``; one module per page
under ``pages/``, shared parts beside it (text, safety, caching, the graph component). See docs/app.md."""
