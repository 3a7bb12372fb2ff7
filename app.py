"""graphtool's Streamlit app: ``streamlit run app.py`` (the pages live in ``graphtool/app/``)."""

from graphtool.app.main import run

run()
