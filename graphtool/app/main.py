"""The app's frame: page set-up, language, sign-in, the workspace line, the menu and the page."""

from __future__ import annotations

import streamlit as st

from graphtool.app import nav, state, ui
from graphtool.app.i18n import language_switch, t
from graphtool.app.safe import md


def run() -> None:
    st.set_page_config(page_title="graphtool", layout="wide")
    language_switch()
    ui.sign_in()
    pages = [
        st.Page(
            nav.page_file(name),
            title=t(f"page.{name}"),
            url_path=name,
            default=name == "search",
        )
        for name in nav.PAGES
    ]
    page = st.navigation(pages)
    with st.sidebar:
        me = ui.user()
        st.caption(t("app.signed_in", user=md(me.name), role=me.role))
        with ui.guard():
            _where()
    with ui.guard():
        page.run()


def _where() -> None:
    config = state.settings()
    if config.neo4j:
        st.caption(
            t("app.neo4j", uri=md(config.neo4j.uri), version=md(str(state.version()).rsplit(":", 1)[-1]))
        )
    else:
        st.caption(
            t("app.workspace", path=md(config.workspace), version=md(str(state.version()).rsplit(":", 1)[-1]))
        )
