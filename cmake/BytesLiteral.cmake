# bytes_literal(FILE OUT_BYTES OUT_SIZE): the bytes of FILE as the initialiser of a C++ char array
# ('\x..', 32 to a line, no terminator) and their count. Included by the Embed*.cmake scripts.
function(bytes_literal file out_bytes out_size)
  file(READ ${file} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(REGEX REPLACE "(('\\\\x..',){32})" "\\1\n" bytes "${bytes}")
  set(${out_bytes} "${bytes}" PARENT_SCOPE)
  set(${out_size} ${size} PARENT_SCOPE)
endfunction()

# write_if_changed(OUTPUT TEXT): writes TEXT to OUTPUT, leaving an unchanged file untouched (no rebuild).
function(write_if_changed output text)
  file(WRITE ${output}.tmp "${text}")
  file(COPY_FILE ${output}.tmp ${output} ONLY_IF_DIFFERENT)
  file(REMOVE ${output}.tmp)
endfunction()
