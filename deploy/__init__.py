"""Public deployment: nginx in front of N Streamlit replicas (see serve.py)."""
