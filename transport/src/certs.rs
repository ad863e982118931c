//! dev PKI (being written).
