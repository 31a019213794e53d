// Forward kinematics through robot_state_publisher's parser chain (urdfdom -> kdl_parser -> KDL),
// for test_urdf.py. Usage: kdl_fk FILE.urdf ROOT TIP < joint vectors (one per line, radians/metres);
// prints each ROOT->TIP pose as 12 numbers, the rows of [R | p].
#include <kdl/chainfksolverpos_recursive.hpp>
#include <kdl/tree.hpp>
#include <kdl_parser/kdl_parser.hpp>

#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: kdl_fk FILE.urdf ROOT TIP\n";
    return 2;
  }
  KDL::Tree tree;
  KDL::Chain chain;
  if (!kdl_parser::treeFromFile(argv[1], tree) || !tree.getChain(argv[2], argv[3], chain)) {
    std::cerr << "cannot build the chain " << argv[2] << " -> " << argv[3] << " from " << argv[1] << "\n";
    return 1;
  }
  KDL::ChainFkSolverPos_recursive solver(chain);
  std::cout.precision(17);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream values(line);
    KDL::JntArray q(chain.getNrOfJoints());
    for (unsigned i = 0; i < q.rows(); ++i) values >> q(i);
    KDL::Frame pose;
    solver.JntToCart(q, pose);
    for (int r = 0; r < 3; ++r) {
      std::cout << pose.M(r, 0) << ' ' << pose.M(r, 1) << ' ' << pose.M(r, 2) << ' ' << pose.p(r) << ' ';
    }
    std::cout << '\n';
  }
  return 0;
}
