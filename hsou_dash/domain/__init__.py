"""Pure domain logic: catalogue, aggregation, classification, ranks. No I/O, no Streamlit."""
