from __future__ import annotations

import pytest

from summarizer.config import LLMConfig
from summarizer.errors import ConfigError


def test_env_fills_unset_options_and_overrides_win() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1", "SUMMARIZER_MODEL": "m1",
           "OPENAI_API_KEY": "k"}
    config = LLMConfig.from_env(env, model="m2")
    assert config.base_url == "http://127.0.0.1:8080/v1"
    assert (config.model, config.api_key) == ("m2", "k")


def test_key_never_appears_in_repr() -> None:
    assert "secret-value" not in repr(LLMConfig(api_key="secret-value"))


def test_mode_fits_the_provider() -> None:
    assert LLMConfig(api_key="k").resolved_mode() == "tools"
    assert LLMConfig(base_url="http://localhost:11434/v1", model="m").resolved_mode() == (
        "json_object_schema"
    )
    assert LLMConfig(base_url="http://x/v1", model="m", mode="md_json").resolved_mode() == "md_json"


def test_host_hides_credentials_in_the_url() -> None:
    assert LLMConfig(base_url="http://user:pw@example.org:8000/v1").host == "example.org:8000"


def test_local_server_needs_a_model_name() -> None:
    with pytest.raises(ConfigError, match="--model"):
        LLMConfig(base_url="http://127.0.0.1:8080/v1").resolved_model()
    assert LLMConfig(api_key="k").resolved_model() == "gpt-4o-mini"


def test_unknown_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown mode"):
        LLMConfig(mode="telepathy")


def test_is_configured() -> None:
    assert not LLMConfig().is_configured
    assert LLMConfig(model="x").is_configured


def test_timeout_from_env_must_be_a_number() -> None:
    assert LLMConfig.from_env({"SUMMARIZER_TIMEOUT": "90"}).timeout == 90.0
    with pytest.raises(ConfigError, match="SUMMARIZER_TIMEOUT"):
        LLMConfig.from_env({"SUMMARIZER_TIMEOUT": "soon"})
