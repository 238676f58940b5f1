//! End-to-end tests of the sandbox over real sockets.
