# Man pages, the fish completion, and the Debian package (`cpack -G DEB` in the build dir;
# dev/package builds it from a Release user build). Included from the top CMakeLists.txt after
# the other install rules.

# Man pages: hand-written man(7) sources in man/, the version filled in, gzip'd as Debian
# installs them (gzip -9n: no name or time stamp, so the same tree gives the same bytes).
set(OPSD_MAN_PAGES opsctl.1 opsd.8)
set(OPSD_MAN_GZ "")
foreach(page ${OPSD_MAN_PAGES})
  configure_file(${CMAKE_SOURCE_DIR}/man/${page} ${CMAKE_BINARY_DIR}/man/${page} @ONLY)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/${page}.gz
    COMMAND gzip -9nc ${CMAKE_BINARY_DIR}/man/${page} > ${CMAKE_BINARY_DIR}/man/${page}.gz
    DEPENDS ${CMAKE_BINARY_DIR}/man/${page} VERBATIM)
  list(APPEND OPSD_MAN_GZ ${CMAKE_BINARY_DIR}/man/${page}.gz)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  install(FILES ${CMAKE_BINARY_DIR}/man/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(opsd_man ALL DEPENDS ${OPSD_MAN_GZ})

# fish loads completions of installed packages from vendor_completions.d by itself.
install(FILES completions/opsctl.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The Debian package. cpack -G DEB (rather than a debian/ directory and dpkg-buildpackage):
# the install rules above are the one list of what goes where, for `cmake --install` and the
# package alike, and it needs only cmake and dpkg-dev (for dpkg-shlibdeps), no debhelper.
# No maintainer scripts: installing the package starts and enables nothing.
set(OPSD_PACKAGE_MAINTAINER "opsd maintainers <opsd@openclaw.invalid>" CACHE STRING
  "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME opsd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${OPSD_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "supervisor daemon for long read-only jobs, with Telegram reports")
set(CPACK_PACKAGE_DESCRIPTION
  "opsd runs long, mostly read-only jobs (scans, inventories, large syncs) as its own children,
polls their status commands, tells slow from stuck, resumes crashed read-only jobs from their
checkpoints and sends progress reports and alerts to Telegram. opsctl is its client.
The systemd units are installed but neither enabled nor started.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Installed with DESTDIR, so the install step sees the real prefix (the units' ExecStart).
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Dependencies: what dpkg-shlibdeps finds the binaries linked against, not a hand list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
