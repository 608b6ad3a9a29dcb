"""The analysts' dashboard: a Streamlit app that reads only the published database."""
