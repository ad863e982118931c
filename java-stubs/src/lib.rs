//! The helper jar, built by javac and embedded in the agent. (Not yet needed.)
