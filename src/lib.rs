//! embviz: look inside embeddings.
