#pragma once
// SHA-1 as a lowercase hex string. Redis names a Lua script by the SHA-1 of its source and
// quotes it in script error replies ("... script: <sha1>, on @user_script:1."), so the model
// needs the same digest to produce the same error text. Not used for anything secret.

#include <string>
#include <string_view>

namespace models::redis {

std::string Sha1Hex(std::string_view data);

}  // namespace models::redis
